/* global URL */
// What a phone downloads for a page: the HTML and every stylesheet, script, image and font it
// references, raw and gzip-compressed (measured by bench/lib/weigh.mjs). Budget: under 50 KB gzip
// per page, and no JavaScript needed.
import { BUDGET_GZIP_BYTES, weigh } from '../lib/weigh.mjs';

export default {
  name: 'page-weight',
  description: 'HTML + referenced CSS/JS/fonts/images of / and /login, raw and gzip',
  async run({ app, result, log }) {
    const out = [];
    for (const path of ['/', '/login']) {
      const w = await weigh(app.url, path);
      log(
        `  ${path}: ${w.files.map((f) => `${new URL(f.url).pathname} ${f.raw} B (${f.gzip} B gz)`).join(', ')}`,
      );
      out.push(
        result(`page weight ${path} (gzip)`, w.gzip, 'B', BUDGET_GZIP_BYTES),
        result(`page weight ${path} (raw)`, w.raw, 'B', null),
        result(`page weight ${path} files`, w.files.length, 'files', null),
        result(`page weight ${path} scripts`, w.scripts, 'files', null),
      );
    }
    return out;
  },
};
