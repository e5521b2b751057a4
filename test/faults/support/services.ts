import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PROJECT_ROOT } from '../../../src/common/paths.js';
import { runMigrationsLocked } from '../../../src/database/migrator.js';
import { applyAppRoleGrants } from '../../../src/database/roles.js';
import { TEST_DATA_KEY } from '../../support/app.js';
import type { TestDatabase } from '../../support/database.js';
import { APP_ROLE, APP_ROLE_PASSWORD } from '../../support/env.js';

/**
 * PostgreSQL and Redis instances of the fault tests' own, started and stopped with the same script
 * .ci/run uses for the shared services (.ci/services.sh). The shared 5432/6379 are never touched.
 * Whatever a test started is stopped again in `stopAll()` (afterAll) and, should the process end
 * without it, in an exit handler; temp directories are removed.
 */
const SCRIPT = join(PROJECT_ROOT, '.ci', 'services.sh');

/** async, so a load generator in the same process keeps running while a service stops or starts */
function services(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile('bash', [SCRIPT, ...args], { timeout: 60_000 }, (e, _out, err) =>
      e ? reject(new Error(`services.sh ${args.join(' ')} failed: ${err || e.message}`)) : resolve(),
    ),
  );
}

/** for the exit handler, where nothing asynchronous runs any more */
function servicesSync(...args: string[]): void {
  execFileSync('bash', [SCRIPT, ...args], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface Service {
  /** synchronous: also runs from the process exit handler */
  stopNow(): void;
}
const running = new Set<Service>();
const cleanups = new Set<() => void>();
let exitHookInstalled = false;

function stopEverything(): void {
  // reverse start order: app and worker before the services they use
  for (const s of [...running].reverse()) {
    try {
      s.stopNow();
    } catch {
      // best effort: the next one still gets stopped
    }
  }
  for (const c of [...cleanups]) {
    try {
      c();
    } catch {
      // best effort
    }
  }
  cleanups.clear();
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', stopEverything);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopEverything();
      process.exit(130);
    });
  }
}

/** Stops every service and worker the tests started and removes their temp directories. */
export function stopAll(): void {
  stopEverything();
}

export class LocalRedis implements Service {
  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<LocalRedis> {
    installExitHook();
    const r = new LocalRedis(await freePort());
    await r.start();
    return r;
  }

  async start(): Promise<void> {
    running.add(this);
    await services('start', 'redis', String(this.port));
  }

  async stop(): Promise<void> {
    await services('stop', 'redis', String(this.port));
    running.delete(this);
  }

  stopNow(): void {
    servicesSync('stop', 'redis', String(this.port));
    running.delete(this);
  }
}

export class LocalPostgres implements Service {
  private constructor(
    readonly port: number,
    private readonly root: string,
  ) {}

  get dataDir(): string {
    return join(this.root, 'data');
  }

  /** a superuser URL for `database` (trust authentication on loopback) */
  url(database = 'postgres', user = 'postgres', password = ''): string {
    const auth = password ? `${user}:${encodeURIComponent(password)}` : user;
    return `postgres://${auth}@127.0.0.1:${this.port}/${database}`;
  }

  /** initdb into a fresh temp directory (the postgres system user must be able to enter it) and start */
  static async start(): Promise<LocalPostgres> {
    installExitHook();
    const root = mkdtempSync(join(tmpdir(), 'anl-fault-pg-'));
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(root, uid, gid);
    }
    const p = new LocalPostgres(await freePort(), root);
    cleanups.add(() => rmSync(root, { recursive: true, force: true }));
    await p.start();
    return p;
  }

  async start(): Promise<void> {
    running.add(this);
    await services('start', 'postgres', String(this.port), this.dataDir);
  }

  async stop(): Promise<void> {
    await services('stop', 'postgres', String(this.port), this.dataDir);
    running.delete(this);
  }

  stopNow(): void {
    servicesSync('stop', 'postgres', String(this.port), this.dataDir);
    running.delete(this);
  }

  /** A migrated database with the restricted app role, as test/support/database.ts makes on the shared server. */
  async createDatabase(prefix: string): Promise<TestDatabase> {
    const admin = new pg.Client({ connectionString: this.url() });
    await admin.connect();
    try {
      await admin.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          CREATE ROLE ${APP_ROLE} LOGIN PASSWORD '${APP_ROLE_PASSWORD}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
        END IF;
      END $$`);
      await admin.query(`CREATE DATABASE anl_fault_${prefix}`);
    } finally {
      await admin.end();
    }
    const name = `anl_fault_${prefix}`;
    const ownerUrl = this.url(name);
    await runMigrationsLocked(ownerUrl);
    await applyAppRoleGrants(ownerUrl, APP_ROLE);
    return {
      name,
      ownerUrl,
      appUrl: this.url(name, APP_ROLE, APP_ROLE_PASSWORD),
      // the whole cluster goes away in stopAll()
      drop: async () => undefined,
    };
  }
}

/** The separate worker process (node dist/src/worker.js), as production runs it. */
export class WorkerProcess implements Service {
  private proc?: ChildProcess;
  readonly output: string[] = [];
  starts = 0;

  constructor(private readonly env: Record<string, string>) {
    installExitHook();
  }

  static forApp(db: TestDatabase, redisUrl: string, env: Record<string, string>): WorkerProcess {
    return new WorkerProcess({
      DATABASE_URL: db.appUrl,
      MIGRATION_DATABASE_URL: db.ownerUrl,
      REDIS_URL: redisUrl,
      DATA_KEY: TEST_DATA_KEY,
      LOG_LEVEL: 'warn',
      ...env,
    });
  }

  /** Starts the worker and resolves once it consumes. */
  async start(): Promise<void> {
    this.starts++;
    const proc = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/src/worker.js')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'test', ...this.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    running.add(this);
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      const timer = setTimeout(() => reject(new Error(`worker did not start:\n${this.tail()}`)), 60_000);
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          this.output.push(line);
          if (line.includes('worker started')) {
            clearTimeout(timer);
            resolve();
          }
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`worker exited (${code}) before it started:\n${this.tail()}`));
      });
    });
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** SIGKILL: no shutdown hook runs, active jobs are left behind as they are after a crash. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
    running.delete(this);
  }

  stopNow(): void {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
    running.delete(this);
  }

  tail(n = 30): string {
    return this.output.slice(-n).join('\n');
  }
}

/** Waits until `check` returns a truthy value (polling), or fails naming `what`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kills the app process from the exit handler too, should afterAll not get to stop it. */
export function track(proc: ChildProcess): void {
  installExitHook();
  const service: Service = {
    stopNow() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      running.delete(service);
    },
  };
  running.add(service);
}
