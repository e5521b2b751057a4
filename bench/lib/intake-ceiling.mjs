#!/usr/bin/env node
/* global process, setTimeout */
// The same-run ceiling for taking a report: what a plain Node process does per report when it does
// only the unavoidable work — one argon2id hash of a fresh 16-digit receipt (@node-rs/argon2 hashRaw,
// the very parameters of src/modules/intake/receipts.ts) and one INSERT of a `report` row (random
// 32-byte bytea as content) through a pg Pool — with `workers` concurrent loops, as its own process:
//
//   node bench/lib/intake-ceiling.mjs '{"url":…,"organisationId":…,"dataKeyId":…,"workers":20,
//                                       "poolSize":10,"durationS":10,"warmupS":2}'
//
// Warms up for warmupS (discarded), measures for durationS, prints one JSON line:
// { reportsPerSec, reports, errors, latencyMs: { p50, p90, p99, max, mean } }.
import { randomBytes, randomInt } from 'node:crypto';
import { hashRaw } from '@node-rs/argon2';
import pg from 'pg';

const args = JSON.parse(process.argv[2] ?? '{}');
const { url, organisationId, dataKeyId, workers = 20, poolSize = 10, durationS = 10, warmupS = 2 } = args;
if (!url || !organisationId || !dataKeyId) {
  process.stderr.write(
    'usage: node bench/lib/intake-ceiling.mjs \'{"url":…,"organisationId":…,"dataKeyId":…}\'\n',
  );
  process.exit(2);
}

/** the installation-wide salt (one per run, like one installation) */
const SALT = randomBytes(16);

/** exactly receipts.ts: generateReceipt() + hashReceipt() */
async function receiptHash() {
  let digits = '';
  for (let i = 0; i < 16; i++) digits += String(randomInt(10));
  const raw = await hashRaw(digits, {
    algorithm: 2,
    memoryCost: 19_456,
    timeCost: 2,
    parallelism: 1,
    outputLen: 32,
    salt: SALT,
  });
  return raw.toString('hex');
}

const INSERT = `INSERT INTO report (receiving_organisation_id, channel, reporter_role, data_key_id, content,
  contact_channel, preferred_language, when_kind, incident_date, district, grounds, life_area, support_wishes,
  receipt_hash) VALUES ($1, 'api', 'affected', $2, $3, 'none', 'de', 'date', $4, 'mitte', $5, 'goods_services',
  '{}', $6)`;

const pool = new pg.Pool({ connectionString: url, max: poolSize });

async function oneReport() {
  const hash = await receiptHash();
  await pool.query(INSERT, [
    organisationId,
    dataKeyId,
    randomBytes(32),
    new Date().toISOString().slice(0, 10),
    ['ethnic_origin'],
    hash,
  ]);
}

async function run(seconds, record) {
  const until = Date.now() + seconds * 1000;
  const latencies = [];
  let errors = 0;
  let firstError;
  const loop = async () => {
    while (Date.now() < until) {
      const t0 = process.hrtime.bigint();
      try {
        await oneReport();
        if (record) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (e) {
        errors++;
        firstError ??= e;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: workers }, loop));
  return { latencies, errors, firstError, elapsedS: (Date.now() - started) / 1000 };
}

const pct = (sorted, q) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
const round = (x) => (x === null ? null : Math.round(x * 100) / 100);

try {
  if (warmupS > 0) await run(warmupS, false);
  const r = await run(durationS, true);
  if (r.errors && !r.latencies.length) throw r.firstError;
  const sorted = r.latencies.sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify({
      reportsPerSec: r.latencies.length / r.elapsedS,
      reports: r.latencies.length,
      errors: r.errors,
      firstError: r.firstError ? String(r.firstError.message ?? r.firstError) : undefined,
      latencyMs: {
        p50: round(pct(sorted, 0.5)),
        p90: round(pct(sorted, 0.9)),
        p99: round(pct(sorted, 0.99)),
        max: round(sorted.at(-1) ?? null),
        mean: round(sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1)),
      },
    }) + '\n',
  );
} finally {
  await pool.end();
}
