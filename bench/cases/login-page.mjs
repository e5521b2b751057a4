/* global fetch, Buffer */
// GET /login (a server-rendered page: session-less CSRF cookie, i18n, Handlebars) next to its
// same-run ceiling: a bare Fastify process answering with the very same bytes.
export default {
  name: 'login-page',
  description: 'GET /login vs bare Fastify with a body of the same size',
  async run({ app, opts, load, startBare, result }) {
    const page = await fetch(`${app.url}/login`);
    if (page.status !== 200) throw new Error(`GET /login answered ${page.status}`);
    const html = Buffer.from(await page.arrayBuffer());
    const bare = await startBare(html, page.headers.get('content-type') ?? 'text/html; charset=utf-8');
    try {
      const ceiling = await load(bare.url + '/login', opts);
      const measured = await load(app.url + '/login', opts);
      for (const [what, r] of [
        ['GET /login', measured],
        ['bare', ceiling],
      ])
        if (r.non2xx || r.errors || r.timeouts)
          throw new Error(`${what}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
      return [
        result('GET /login throughput', measured.requestsPerSec, 'req/s', ceiling.requestsPerSec, {
          concurrency: opts.connections,
        }),
        result('GET /login latency mean', measured.latencyMs.mean, 'ms', null, {
          concurrency: opts.connections,
        }),
        result('GET /login latency p99', measured.latencyMs.p99, 'ms', null, {
          concurrency: opts.connections,
        }),
        result('GET /login body', html.length, 'B', null),
        result('bare Fastify (same body) throughput', ceiling.requestsPerSec, 'req/s', null, {
          concurrency: opts.connections,
        }),
        // autocannon measures latency in whole milliseconds: the bare server's is below that resolution
        result('bare Fastify (same body) latency p99', ceiling.latencyMs.p99, 'ms', null, {
          concurrency: opts.connections,
        }),
      ];
    } finally {
      await bare.stop();
    }
  },
};
