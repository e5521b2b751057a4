/* global fetch */
// GET /health (database and queue probe) next to its ceiling: raw `SELECT 1` through pg with as many
// concurrent clients as the load has connections, in this process, for the same duration.
import pg from 'pg';

async function selectOneLoop(url, clients, seconds) {
  const conns = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  try {
    const deadline = Date.now() + seconds * 1000;
    const counts = await Promise.all(
      conns.map(async (c) => {
        let n = 0;
        while (Date.now() < deadline) {
          await c.query('SELECT 1');
          n++;
        }
        return n;
      }),
    );
    return counts.reduce((a, b) => a + b, 0) / seconds;
  } finally {
    await Promise.allSettled(conns.map((c) => c.end()));
  }
}

export default {
  name: 'health',
  description: 'GET /health vs raw SELECT 1 through pg at the same concurrency',
  async run({ app, db, opts, load, result }) {
    const probe = await fetch(`${app.url}/health`);
    if (probe.status !== 200) throw new Error(`GET /health answered ${probe.status}: ${await probe.text()}`);
    await selectOneLoop(db.appUrl, opts.connections, opts.warmupS);
    const ceiling = await selectOneLoop(db.appUrl, opts.connections, opts.durationS);
    const measured = await load(app.url + '/health', opts);
    if (measured.non2xx || measured.errors || measured.timeouts)
      throw new Error(
        `GET /health: ${measured.non2xx} non-2xx, ${measured.errors} errors, ${measured.timeouts} timeouts`,
      );
    return [
      result('GET /health throughput', measured.requestsPerSec, 'req/s', ceiling, {
        concurrency: opts.connections,
      }),
      result('GET /health latency mean', measured.latencyMs.mean, 'ms', null, {
        concurrency: opts.connections,
      }),
      result('GET /health latency p99', measured.latencyMs.p99, 'ms', null, {
        concurrency: opts.connections,
      }),
      result(`pg SELECT 1 (${opts.connections} clients)`, ceiling, 'queries/s', null, {
        concurrency: opts.connections,
      }),
    ];
  },
};
