#!/usr/bin/env node
/* global process, console, setTimeout, clearTimeout, URL */
/**
 * Benchmarks of the built app (run `npm run build` first), not part of `npm test`:
 *
 *   node bench/run.mjs [--duration=10] [--warmup=2] [--connections=20] [--only=login-page,health]
 *                      [--out=bench/results.json]
 *
 * Starts dist/src/main.js as its own process (NODE_ENV=production, LOG_LEVEL=warn, rate limit out of
 * the way) on a fresh database anl_bench_<random> (PostgreSQL on 127.0.0.1, BENCH_PG_ADMIN_URL) and
 * Redis (BENCH_REDIS_URL), runs every case in bench/cases/ one after the other — load comes from a
 * second process (bench/load.mjs, autocannon) — prints a table, writes the results as a list of
 * { name, value, unit, ceiling, ratio } (plus, where they apply, concurrency, goal and met) and the
 * machine next to them (<out>.meta.json). Every case
 * names its ceiling, measured in the same run on the same machine, so ratios compare across machines
 * better than absolute numbers. Stops every process it started and drops the database, also on
 * failure, Ctrl-C or when the watchdog fires.
 *
 * A case is a module in bench/cases/ with a default export { name, description, run(ctx), extraBudgetS? } returning
 * results made with ctx.result(name, value, unit, ceiling, extra?); ctx has app ({ url, admin }), db ({ appUrl,
 * ownerUrl }), opts ({ connections, durationS, warmupS }), load(url, opts), startBare(body), log().
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBenchDatabase, dropAllCreated, PG_ADMIN_URL } from './lib/db.mjs';
import { load } from './lib/load.mjs';
import { stopAll } from './lib/procs.mjs';
import { ROOT, startApp, startBare } from './lib/servers.mjs';

const argv = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument ${a}`);
    return [m[1], m[2] ?? 'true'];
  }),
);
const opts = {
  connections: Number(argv.connections ?? 20),
  durationS: Number(argv.duration ?? 10),
  warmupS: Number(argv.warmup ?? 2),
};
const only = argv.only ? argv.only.split(',') : null;
const out = argv.out ? join(process.cwd(), argv.out) : join(ROOT, 'bench', 'results.json');
const metaOut = out.replace(/\.json$/, '') + '.meta.json';

const log = (...a) => console.log(...a);

/**
 * One figure. `extra` may add `concurrency` (clients or connections the figure was taken at), `goal`
 * (the issue's goal in words) and `met` (whether this run meets it); they appear in the table too.
 */
function result(name, value, unit, ceiling, extra = {}) {
  const round = (x) => (x === null || x === undefined ? null : Math.round(x * 100) / 100);
  const ratio = ceiling ? Math.round((value / ceiling) * 1000) / 1000 : null;
  return { name, value: round(value), unit, ceiling: round(ceiling ?? null), ratio, ...extra };
}

async function loadCases() {
  const dir = join(ROOT, 'bench', 'cases');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const cases = [];
  for (const f of files) cases.push((await import(pathToFileURL(join(dir, f)).href)).default);
  return cases.filter((c) => !only || only.includes(c.name));
}

function table(rows) {
  const cols = ['name', 'value', 'unit', 'ceiling', 'ratio', 'conc', 'goal'];
  const cell = (r, c) => {
    if (c === 'conc') return r.concurrency === undefined ? '' : String(r.concurrency);
    if (c === 'goal') return r.goal === undefined ? '' : `${r.met ? 'met' : 'NOT met'}: ${r.goal}`;
    return r[c] === null || r[c] === undefined ? '–' : String(r[c]);
  };
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (vals) =>
    vals
      .map((v, i) => (i === 0 || i === 2 || i === 6 ? v.padEnd(width[i]) : v.padStart(width[i])))
      .join('  ')
      .trimEnd();
  return [
    line(cols),
    line(width.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(cols.map((c) => cell(r, c)))),
  ].join('\n');
}

let db;
let app;
let cleaning;
/** set by Ctrl-C, SIGTERM or the watchdog: no further case runs and no result file is written */
let aborted = false;
async function cleanup() {
  cleaning ??= (async () => {
    await app?.stop().catch(() => undefined);
    await stopAll();
    await db?.drop().catch((e) => console.error(`could not drop ${db.name}: ${e.message}`));
    // and any other database a case created (cold-start's empty one) when a case was cut short
    await dropAllCreated();
  })();
  return cleaning;
}

async function main() {
  const cases = await loadCases();
  if (!cases.length) throw new Error(`no cases${only ? ` named ${only.join(', ')}` : ''}`);
  // the whole run is bounded: per case roughly two loads (warm-up + measurement) plus start-up slack
  // plus what a case declares for its own set-up (extraBudgetS, e.g. seeding a million cases)
  const budgetMs =
    (60 +
      cases.length * 3 * (opts.warmupS + opts.durationS + 20) +
      cases.reduce((sum, c) => sum + (c.extraBudgetS ?? 0), 0)) *
    1000;
  const watchdog = setTimeout(() => {
    aborted = true;
    console.error(`bench: watchdog fired after ${budgetMs / 1000} s, stopping`);
    void cleanup().finally(() => process.exit(3));
  }, budgetMs);
  watchdog.unref();

  log(
    `bench: ${cases.map((c) => c.name).join(', ')}; ${opts.connections} connections, ${opts.warmupS} s warm-up + ${opts.durationS} s per load`,
  );
  db = await createBenchDatabase();
  log(`bench: database ${db.name} (PostgreSQL ${db.serverVersion})`);
  app = await startApp(db);
  log(`bench: app at ${app.url}`);

  const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  const results = [];
  const failures = [];
  for (const c of cases) {
    if (aborted) break;
    const t0 = Date.now();
    log(`- ${c.name}: ${c.description}`);
    try {
      const rows = await c.run({ app, db, opts, load, startBare, result, log });
      results.push(...rows);
      log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      failures.push(`${c.name}: ${e.message}`);
      console.error(`  FAILED: ${e.message}`);
    }
  }
  clearTimeout(watchdog);
  if (aborted) throw new Error('aborted: no results written');

  const cpuList = cpus();
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    cpus: { model: cpuList[0]?.model ?? 'unknown', count: cpuList.length },
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    // other work on the machine skews the figures: 1/5/15-minute load average before the cases ran
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadavg().map((x) => Math.round(x * 100) / 100),
    postgres: db.serverVersion,
    postgresHost: new URL(PG_ADMIN_URL).host,
    load: { tool: 'autocannon (separate process)', ...opts },
    appEnv: { NODE_ENV: 'production', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000' },
    note: 'app, load generator, bare server and PostgreSQL share this machine',
    failures,
  };
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(metaOut, JSON.stringify(meta, null, 2) + '\n');
  log('');
  log(table(results));
  log('');
  log(
    `${meta.cpus.count} × ${meta.cpus.model}, ${meta.memoryGiB} GiB, node ${meta.node}, PostgreSQL ${meta.postgres}, ${meta.date}`,
  );
  log(`wrote ${out} and ${metaOut}`);
  if (failures.length) throw new Error(`${failures.length} case(s) failed:\n${failures.join('\n')}`);
}

for (const sig of ['SIGINT', 'SIGTERM'])
  process.once(sig, () => {
    aborted = true;
    console.error(`bench: ${sig}, cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });

try {
  await main();
  await cleanup();
  process.exit(0);
} catch (e) {
  console.error(`bench: ${e.stack ?? e}`);
  await cleanup();
  process.exit(1);
}
