/* global process, URL, fetch */
// The servers a case measures, each in its own process: the built app and the bare Fastify ceiling.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
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
  const child = start(process.execPath, [MAIN], {
    cwd: ROOT,
    name: 'app',
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DATABASE_URL: db.appUrl,
      MIGRATION_DATABASE_URL: db.ownerUrl,
      REDIS_URL,
      DATA_KEY: `bench:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000000',
      INITIAL_ADMIN_EMAIL: 'admin@bench.example',
      ...env,
    },
  });
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
  return { url, child, admin: { email, password }, stop: () => child.stop() };
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
