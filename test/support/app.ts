import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { RouteAccess } from '../../src/common/http/route-inventory.js';
import { PROJECT_ROOT } from '../../src/common/paths.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { REDIS_URL } from './env.js';

export const TEST_DATA_KEY = `test:${randomBytes(32).toString('base64')}`;

export interface RunningApp {
  url: string;
  /** undefined in embedded mode */
  db: TestDatabase;
  /** everything the process wrote to stdout and stderr, line by line (JSON log lines and console output) */
  output: string[];
  /** the first-start admin printed on the console */
  admin: { email: string; password: string };
  proc: ChildProcess;
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** Removes this run's queue keys (never FLUSHALL: the Redis is shared). */
async function deleteRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // a stopped Redis has nothing to clean
  } finally {
    redis.disconnect();
  }
}

const MAIN = join(PROJECT_ROOT, 'dist', 'src', 'main.js');

/**
 * Starts the built application (npm test builds first) as a real process on a free port, on a fresh
 * database (connecting as the restricted app role, migrating as the owner) and the real Redis.
 * E2E tests talk to it over HTTP, exactly as a browser or API client would.
 */
export async function startApp(
  env: Record<string, string> = {},
  opts: { db?: TestDatabase; embeddedDataDir?: string; args?: string[]; readyTimeoutMs?: number } = {},
): Promise<RunningApp> {
  if (!existsSync(MAIN))
    throw new Error('dist/src/main.js missing: run `npm run build` first (npm test does)');
  const existingDb = opts.db;
  const embedded = opts.embeddedDataDir !== undefined;
  const db = embedded
    ? (undefined as unknown as TestDatabase)
    : (existingDb ?? (await createTestDatabase('app')));
  const dbEnv: Record<string, string> = embedded
    ? { EMBEDDED_DATA_DIR: opts.embeddedDataDir! }
    : { DATABASE_URL: db.appUrl, MIGRATION_DATABASE_URL: db.ownerUrl, REDIS_URL, DATA_KEY: TEST_DATA_KEY };
  const output: string[] = [];
  const queuePrefix = env.QUEUE_PREFIX ?? `anltest-${randomBytes(4).toString('hex')}`;
  const proc = spawn(process.execPath, [MAIN, ...(opts.args ?? [])], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      ...dbEnv,
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '100000',
      // a Redis namespace of its own: outbox ids restart at 1 in every test database
      QUEUE_PREFIX: queuePrefix,
      INITIAL_ADMIN_EMAIL: 'admin@example.org',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        output.push(line);
        // ANL_TEST_ECHO=1 shows the app's output while debugging a test
        if (process.env.ANL_TEST_ECHO === '1' && !line.includes('"level":30'))
          process.stderr.write(`[app] ${line}\n`);
        if (line.includes('Anlaufstelle is listening')) {
          const port = (JSON.parse(line) as { port: number }).port;
          resolve(`http://127.0.0.1:${port}`);
        }
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`app exited (${code}) before listening:\n${output.join('\n')}`)),
    );
    const limit = opts.readyTimeoutMs ?? 30_000;
    setTimeout(
      () => reject(new Error(`app did not start in ${limit} ms:\n${output.join('\n')}`)),
      limit,
    ).unref();
  });
  const url = await ready;
  const email = /E-mail:\s+(\S+)/.exec(output.join('\n'))?.[1] ?? '';
  const password = /Password:\s+(\S+)/.exec(output.join('\n'))?.[1] ?? '';
  const stop = async () => {
    if (proc.exitCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return {
    url,
    db,
    output,
    admin: { email, password },
    proc,
    stop,
    async close() {
      await stop();
      if (!existingDb && !embedded) await db.drop();
      if (!embedded) await deleteRedisKeys(`${queuePrefix}:*`);
    },
  };
}

/**
 * Every route the app has, as the CLI prints it (`routes --json`) against the running app's database;
 * HEAD routes (Fastify's automatic twins of GET) left out unless asked for.
 */
export async function appRoutes(t: RunningApp, opts: { head?: boolean } = {}): Promise<RouteAccess[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(PROJECT_ROOT, 'dist/src/cli.js'), 'routes', '--json'],
    {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: t.db.ownerUrl,
        REDIS_URL,
        DATA_KEY: TEST_DATA_KEY,
        LOG_LEVEL: 'error',
      },
    },
  );
  const routes = JSON.parse(stdout) as RouteAccess[];
  return opts.head ? routes : routes.filter((r) => r.method !== 'HEAD');
}
