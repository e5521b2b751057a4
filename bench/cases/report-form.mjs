/* global fetch, Buffer, URL */
// GET /report — the public report form (a fresh idempotency token and signed start time per request,
// the district list from the settings, i18n, Handlebars, the CSRF cookie) — next to its same-run
// ceiling: a bare Fastify process answering with the very same bytes (the login-page case's approach).
// And what a phone downloads for it: HTML + CSS gzip, budget under 50 KB, no JavaScript.
import { BUDGET_GZIP_BYTES, weigh } from '../lib/weigh.mjs';

export default {
  name: 'report-form',
  description: 'GET /report vs bare Fastify with a body of the same size; its page weight',
  async run({ app, opts, load, startBare, result, log }) {
    const page = await fetch(`${app.url}/report?lang=de`);
    if (page.status !== 200) throw new Error(`GET /report answered ${page.status}`);
    const html = Buffer.from(await page.arrayBuffer());
    const w = await weigh(app.url, '/report?lang=de');
    log(
      `  /report: ${w.files.map((f) => `${new URL(f.url).pathname} ${f.raw} B (${f.gzip} B gz)`).join(', ')}`,
    );
    const bare = await startBare(html, page.headers.get('content-type') ?? 'text/html; charset=utf-8');
    try {
      const ceiling = await load(`${bare.url}/report`, opts);
      const measured = await load(`${app.url}/report`, opts);
      for (const [what, r] of [
        ['GET /report', measured],
        ['bare', ceiling],
      ])
        if (r.non2xx || r.errors || r.timeouts)
          throw new Error(`${what}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
      return [
        result('GET /report throughput', measured.requestsPerSec, 'req/s', ceiling.requestsPerSec, {
          concurrency: opts.connections,
        }),
        result('GET /report latency mean', measured.latencyMs.mean, 'ms', null, {
          concurrency: opts.connections,
        }),
        result('GET /report latency p99', measured.latencyMs.p99, 'ms', null, {
          concurrency: opts.connections,
        }),
        result('GET /report body', html.length, 'B', null),
        result('bare Fastify (same body) throughput', ceiling.requestsPerSec, 'req/s', null, {
          concurrency: opts.connections,
        }),
        result('bare Fastify (same body) latency p99', ceiling.latencyMs.p99, 'ms', null, {
          concurrency: opts.connections,
        }),
        result('page weight /report HTML+CSS (gzip)', w.htmlCssGzip, 'B', BUDGET_GZIP_BYTES),
        result('page weight /report all (raw)', w.raw, 'B', null),
        result('page weight /report scripts', w.scripts + w.inlineScripts, 'files', null),
      ];
    } finally {
      await bare.stop();
    }
  },
};
