import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { PHONE } from './browser.js';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

/**
 * Runs axe-core against exactly what the page shows.
 *
 * Why a second context: the pages are tested with their own JavaScript disabled (they must work
 * without it). In that mode Chromium still answers `page.evaluate` (it goes through the DevTools
 * protocol), but `page.addScriptTag` inserts a `<script>` that never runs, and even axe evaluated
 * as source hangs in `axe.run` because the page's task queue (timers) does not run scripts. The app's
 * CSP (`script-src 'self'`) would also refuse an injected inline script. So the scan replays the
 * page: the current DOM (`page.content()`, which without JavaScript is the server's HTML as parsed)
 * is served for the same URL in a separate JavaScript-enabled context of the same phone size and
 * cookies (`bypassCSP`, the document request fulfilled locally, the stylesheet and images fetched from
 * the app as usual), axe is injected there and runs. The pages ship no JavaScript, so the DOM and the
 * computed styles are the same as in the tested page — and a page reached by a POST (an error page,
 * the recovery codes) is scanned as shown, without sending the form again.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const url = page.url();
  const html = await page.content();
  const source = page.context();
  const browser = source.browser();
  if (!browser) throw new Error('axeViolations: page has no browser');
  const viewport = page.viewportSize() ?? PHONE.viewport!;
  const context = await browser.newContext({
    ...PHONE,
    viewport,
    javaScriptEnabled: true,
    bypassCSP: true,
    serviceWorkers: 'block',
  });
  try {
    await context.addCookies(await source.cookies());
    const replay = await context.newPage();
    await replay.route(
      (u) => u.href === url,
      (route) =>
        route.request().isNavigationRequest()
          ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html })
          : route.continue(),
    );
    await replay.goto(url, { waitUntil: 'load' });
    await replay.addScriptTag({ path: AXE_PATH });
    return await replay.evaluate(async (tags) => {
      // runs in the page; the project compiles without the DOM library, hence the loose typing
      const { axe, document } = globalThis as unknown as {
        axe: { run: (context: unknown, options: unknown) => Promise<{ violations: unknown[] }> };
        document: unknown;
      };
      const result = await axe.run(document, { runOnly: tags, resultTypes: ['violations'] });
      return result.violations as never;
    }, AXE_TAGS);
  } finally {
    await context.close();
  }
}

/** One line per serious or critical violation: rule id, impact, help and the first 3 target selectors. */
export function formatSerious(violations: AxeViolation[], label: string): string[] {
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${label}: ${v.id} [${v.impact}] ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => JSON.stringify(n.target))
          .join(', ')}${v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : ''}`,
    );
}

/** Scans the page and fails listing every serious or critical violation. Returns all violations. */
export async function expectNoSeriousViolations(page: Page, label: string): Promise<AxeViolation[]> {
  const violations = await axeViolations(page);
  const serious = formatSerious(violations, label);
  if (serious.length) throw new Error(`axe: serious or critical violations\n  ${serious.join('\n  ')}`);
  return violations;
}

/** Writes the violations (rule, impact, help, target selectors) as a JSON artifact at `file`. */
export function writeAxeReport(file: string, violations: AxeViolation[]): void {
  mkdirSync(dirname(file), { recursive: true });
  const report = violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target),
  }));
  writeFileSync(file, JSON.stringify(report, null, 2));
}
