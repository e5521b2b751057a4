/* global URL */
// GET /report — the public report form (a fresh idempotency token and signed start time per request,
// the district list from the settings, i18n, Handlebars, the CSRF cookie) — next to its same-run
// ceiling: a bare Fastify process answering with the very same bytes (the login-page case's approach).
// And what a phone downloads for it: HTML + CSS gzip, budget under 50 KB, no JavaScript.
import { pageVsBare } from '../lib/page-vs-bare.mjs';
import { BUDGET_GZIP_BYTES, weigh } from '../lib/weigh.mjs';

export default {
  name: 'report-form',
  description: 'GET /report vs bare Fastify with a body of the same size; its page weight',
  async run(ctx) {
    const { app, result, log } = ctx;
    const w = await weigh(app.url, '/report?lang=de');
    log(
      `  /report: ${w.files.map((f) => `${new URL(f.url).pathname} ${f.raw} B (${f.gzip} B gz)`).join(', ')}`,
    );
    const { rows } = await pageVsBare(ctx, '/report', '/report?lang=de');
    return [
      ...rows,
      result('page weight /report HTML+CSS (gzip)', w.htmlCssGzip, 'B', BUDGET_GZIP_BYTES),
      result('page weight /report all (raw)', w.raw, 'B', null),
      result('page weight /report scripts', w.scripts + w.inlineScripts, 'files', null),
    ];
  },
};
