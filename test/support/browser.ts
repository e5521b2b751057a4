import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Locator,
  type Page,
} from 'playwright-core';
import { PROJECT_ROOT } from '../../src/common/paths.js';

/**
 * A real browser for page tests: Debian's Chromium (`bash .ci/install-browser.sh`), driven by
 * playwright-core, which downloads no browser of its own. Override the binary with CHROMIUM_PATH.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SCREENSHOT_DIR = join(PROJECT_ROOT, 'test-artifacts', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A small phone: 360 × 740 CSS pixels, 2× density, touch. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

export interface PhonePageOptions {
  /** browser locale, sent as Accept-Language (default de-DE) */
  lang?: string;
  /** pages must work without JavaScript, so it is off unless a test asks for it */
  javaScriptEnabled?: boolean;
}

/** A fresh context (own cookies) with one page, sized like a small phone, JavaScript off by default. */
export async function newPhonePage(browser: Browser, opts: PhonePageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    ...PHONE,
    locale: opts.lang ?? 'de-DE',
    javaScriptEnabled: opts.javaScriptEnabled ?? false,
    serviceWorkers: 'block',
  });
  return context.newPage();
}

/** Saves a full-page screenshot to test-artifacts/screenshots/<name>.png (git-ignored) and returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name.replace(/[^a-zA-Z0-9._-]+/g, '_')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface RequestRecorder {
  /** every URL requested, in order (documents, stylesheets, images, fonts, …) */
  readonly urls: string[];
  /** the requested URLs whose origin is not `origin`; data:, blob: and about: URLs never leave the browser */
  foreign(origin: string): string[];
  /** forget what was recorded so far */
  clear(): void;
}

/** Records every request the context's pages make, so a test can prove nothing left the app's origin. */
export function recordRequests(target: BrowserContext | Page): RequestRecorder {
  const context: BrowserContext = 'goto' in target ? target.context() : target;
  const urls: string[] = [];
  context.on('request', (req) => urls.push(req.url()));
  return {
    urls,
    foreign(origin: string) {
      const own = new URL(origin).origin;
      return urls.filter((u) => {
        const url = new URL(u);
        if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return false;
        return url.origin !== own;
      });
    },
    clear() {
      urls.length = 0;
    },
  };
}

/** Horizontal overflow at the current viewport: the document must not be wider than the window. */
export async function horizontalOverflow(
  page: Page,
): Promise<{ scrollWidth: number; innerWidth: number; overflows: boolean; widest: string[] }> {
  // page.evaluate runs through the DevTools protocol, so it works with the page's JavaScript disabled
  return page.evaluate(() => {
    // runs in the page; the project compiles without the DOM library, hence the loose typing
    const { document, window } = globalThis as unknown as { document: any; window: any };
    const scrollWidth: number = document.documentElement.scrollWidth;
    const innerWidth: number = window.innerWidth;
    const overflows = scrollWidth > innerWidth + 1;
    // name the elements that stick out, to make a failure actionable
    const widest: string[] = [];
    if (overflows) {
      for (const el of Array.from(document.body.querySelectorAll('*')) as any[]) {
        const r = el.getBoundingClientRect();
        if (r.right > innerWidth + 1 || r.left < -1) {
          const cls =
            typeof el.className === 'string' && el.className
              ? `.${el.className.trim().split(/\s+/).join('.')}`
              : '';
          widest.push(
            `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} (${Math.round(r.left)}..${Math.round(r.right)})`,
          );
          if (widest.length >= 5) break;
        }
      }
    }
    return { scrollWidth, innerWidth, overflows, widest };
  });
}

/** `<html lang>` and `dir` of the current page. */
export function htmlLangDir(page: Page): Promise<{ lang: string | null; dir: string | null }> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as { document: any };
    return {
      lang: document.documentElement.getAttribute('lang') as string | null,
      dir: document.documentElement.getAttribute('dir') as string | null,
    };
  });
}

/** Clicks (a link or a submit button) and waits until the page whose path matches has loaded. */
export async function follow(page: Page, target: Locator | string, path: RegExp): Promise<void> {
  const locator = typeof target === 'string' ? page.locator(target) : target;
  await Promise.all([page.waitForURL((u) => path.test(u.pathname), { waitUntil: 'load' }), locator.click()]);
}

/**
 * Logs a staff account in through the forms; with a TOTP secret (roles with a second factor) a code of
 * the next time step, because the current one was used when the account was enrolled over HTTP.
 */
export async function browserLogin(
  page: Page,
  baseUrl: string,
  account: { email: string; password: string; secret?: string },
): Promise<void> {
  await page.goto(`${baseUrl}/login`, { waitUntil: 'load' });
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  if (!account.secret) {
    await follow(page, 'form[action="/login"] button[type="submit"]', /^\/(?!login)/);
    return;
  }
  await follow(page, 'form[action="/login"] button[type="submit"]', /^\/login\/mfa$/);
  await page.fill(
    '#code',
    await generate({ secret: account.secret, epoch: Math.floor(Date.now() / 1000) + 30 }),
  );
  await follow(page, 'form[action="/login/mfa"] button[type="submit"]', /^\/(?!login)/);
}

/** The text of the <dd> next to the <dt> with this label (a page's `dl.facts`), or null. */
export async function fact(page: Page, label: string): Promise<string | null> {
  const dd = page.locator('dl.facts dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
  return (await dd.count()) ? ((await dd.first().textContent()) ?? '').trim() : null;
}
