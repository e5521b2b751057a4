/* global process, URL, fetch */
// The servers a case measures, each in its own process: the built app and the bare Fastify ceiling.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, start, waitFor } from './procs.mjs';
import { REDIS_URL } from './db.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const BARE = join(ROOT, 'bench', 'bare-server.mjs');

/** The built app (dist/src/main.js) as in production: NODE_ENV=production, restricted DB role, Redis. */
export async function startApp(db, env = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const fullEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    DATABASE_URL: db.appUrl,
    MIGRATION_DATABASE_URL: db.ownerUrl,
    REDIS_URL,
    // a prefix of its own on the shared Redis, so no other run or installation sees these queues
    QUEUE_PREFIX: `anlbench${randomBytes(4).toString('hex')}`,
    DATA_KEY: `bench:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000000',
    INITIAL_ADMIN_EMAIL: 'admin@bench.example',
    ...env,
  };
  const child = start(process.execPath, [MAIN], { cwd: ROOT, name: 'app', env: fullEnv });
  try {
    await waitFor(
      'app',
      async () => {
        if (child.proc.exitCode !== null) throw Object.assign(new Error('exited'), { fatal: true });
        return (await fetch(`${url}/health/live`)).ok;
      },
      { timeoutMs: 60_000 },
    ).catch((e) => {
      throw new Error(`app did not start: ${e.message}\n${child.output.slice(-40).join('\n')}`);
    });
  } catch (e) {
    await child.stop();
    throw e;
  }
  const email = /E-mail:\s+(\S+)/.exec(child.output.join('\n'))?.[1];
  const password = /Password:\s+(\S+)/.exec(child.output.join('\n'))?.[1];
  return { url, child, env: fullEnv, admin: { email, password }, stop: () => child.stop() };
}

/**
 * The queue worker (dist/src/worker.js) as its own process with the app's environment (same database,
 * Redis, queue prefix and master key) — the production shape, where the HTTP process runs no workers.
 */
export async function startWorker(app) {
  const child = start(process.execPath, [join(ROOT, 'dist', 'src', 'worker.js')], {
    cwd: ROOT,
    name: 'worker',
    env: { ...app.env, LOG_LEVEL: 'info' },
  });
  try {
    await waitFor(
      'worker',
      () => {
        if (child.proc.exitCode !== null) throw Object.assign(new Error('exited'), { fatal: true });
        return child.output.some((l) => l.includes('worker started'));
      },
      { timeoutMs: 60_000 },
    );
  } catch (e) {
    await child.stop();
    throw new Error(`worker did not start: ${e.message}\n${child.output.slice(-40).join('\n')}`, {
      cause: e,
    });
  }
  return { child, stop: () => child.stop() };
}

/** Resident set size of a process in bytes (VmRSS from /proc/<pid>/status), null once it is gone. */
export function rssBytes(pid) {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** A bare Fastify server answering every GET with exactly `body` (the ceiling for a page). */
export async function startBare(body, contentType = 'text/html; charset=utf-8') {
  const file = join(tmpdir(), `anl-bench-body-${randomBytes(4).toString('hex')}`);
  writeFileSync(file, body);
  const child = start(process.execPath, [BARE, file, contentType], {
    cwd: ROOT,
    name: 'bare',
    env: { PATH: process.env.PATH },
  });
  const line = await waitFor('bare server', () => child.output.find((l) => l.startsWith('{"port"')), {
    timeoutMs: 15_000,
  });
  const { port, bytes } = JSON.parse(line);
  return { url: `http://127.0.0.1:${port}`, bytes, file, child, stop: () => child.stop() };
}
