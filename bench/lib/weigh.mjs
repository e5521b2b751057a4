/* global URL, fetch, Buffer */
// What a phone downloads for a page: the HTML and every stylesheet, script, image and font it
// references (stylesheets are followed for url(...) and @import), raw and gzip-compressed — the same
// measure as bench/cases/page-weight.mjs, as a library for other cases.
import { gzipSync } from 'node:zlib';

export const BUDGET_GZIP_BYTES = 50 * 1024;

function attr(tag, name) {
  return new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i')
    .exec(tag)
    ?.slice(2)
    .find((x) => x !== undefined);
}

function references(html) {
  const refs = { css: [], js: [], img: [] };
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi))
    if (/\brel\s*=\s*["']?[^"'>]*stylesheet/i.test(tag) && attr(tag, 'href'))
      refs.css.push(attr(tag, 'href'));
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi))
    if (attr(tag, 'src')) refs.js.push(attr(tag, 'src'));
  for (const [tag] of html.matchAll(/<(?:img|source|input)\b[^>]*>/gi))
    if (attr(tag, 'src')) refs.img.push(attr(tag, 'src'));
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi))
    if (/\brel\s*=\s*["']?[^"'>]*(icon|preload)/i.test(tag) && attr(tag, 'href'))
      refs.img.push(attr(tag, 'href'));
  return refs;
}

function cssReferences(css) {
  const out = [];
  for (const m of css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) out.push(m[2]);
  for (const m of css.matchAll(/@import\s+(['"])([^'"]+)\1/g)) out.push(m[2]);
  return out.filter((u) => !u.startsWith('data:'));
}

/**
 * Fetches `path` from `base` and everything it references; returns the files and the sums. `scripts`
 * counts external scripts, `inlineScripts` the `<script>` elements without src.
 */
export async function weigh(base, path) {
  const files = [];
  const seen = new Set();
  async function get(url, kind) {
    if (seen.has(url)) return null;
    seen.add(url);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    files.push({ url, kind, raw: body.length, gzip: gzipSync(body).length });
    return body;
  }
  const pageUrl = new URL(path, base).toString();
  const html = (await get(pageUrl, 'html')).toString('utf8');
  const refs = references(html);
  for (const href of refs.css) {
    const url = new URL(href, pageUrl).toString();
    const css = await get(url, 'css');
    if (css)
      for (const r of cssReferences(css.toString('utf8'))) await get(new URL(r, url).toString(), 'asset');
  }
  for (const src of refs.js) await get(new URL(src, pageUrl).toString(), 'js');
  for (const src of refs.img) await get(new URL(src, pageUrl).toString(), 'img');
  const sum = (k, kinds) =>
    files.filter((f) => !kinds || kinds.includes(f.kind)).reduce((a, f) => a + f[k], 0);
  const inlineScripts = [...html.matchAll(/<script\b[^>]*>/gi)].filter(([tag]) => !attr(tag, 'src')).length;
  return {
    files,
    raw: sum('raw'),
    gzip: sum('gzip'),
    /** HTML + CSS only */
    htmlCssGzip: sum('gzip', ['html', 'css']),
    scripts: refs.js.length,
    inlineScripts,
  };
}
