/* global fetch, Buffer */
// A server-rendered page next to its same-run ceiling: a bare Fastify process answering with the very
// same bytes (and content type), both loaded with the same autocannon settings. Shared by the
// login-page and report-form cases.

/**
 * Fetches `fetchPath` once for its body, starts the bare server with it, loads the bare server and then
 * the app at `path`, and fails on any non-2xx, error or timeout. Returns the result rows (throughput,
 * mean and p99 latency, body size; the bare server's throughput and p99) and the body.
 */
export async function pageVsBare({ app, opts, load, startBare, result }, path, fetchPath = path) {
  const page = await fetch(`${app.url}${fetchPath}`);
  if (page.status !== 200) throw new Error(`GET ${path} answered ${page.status}`);
  const html = Buffer.from(await page.arrayBuffer());
  const bare = await startBare(html, page.headers.get('content-type') ?? 'text/html; charset=utf-8');
  try {
    const ceiling = await load(`${bare.url}${path}`, opts);
    const measured = await load(`${app.url}${path}`, opts);
    for (const [what, r] of [
      [`GET ${path}`, measured],
      ['bare', ceiling],
    ])
      if (r.non2xx || r.errors || r.timeouts)
        throw new Error(`${what}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
    const at = { concurrency: opts.connections };
    return {
      html,
      rows: [
        result(`GET ${path} throughput`, measured.requestsPerSec, 'req/s', ceiling.requestsPerSec, at),
        result(`GET ${path} latency mean`, measured.latencyMs.mean, 'ms', null, at),
        result(`GET ${path} latency p99`, measured.latencyMs.p99, 'ms', null, at),
        result(`GET ${path} body`, html.length, 'B', null),
        result('bare Fastify (same body) throughput', ceiling.requestsPerSec, 'req/s', null, at),
        // autocannon measures latency in whole milliseconds: the bare server's is below that resolution
        result('bare Fastify (same body) latency p99', ceiling.latencyMs.p99, 'ms', null, at),
      ],
    };
  } finally {
    await bare.stop();
  }
}
