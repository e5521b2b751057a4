import { randomBytes } from 'node:crypto';
import { Global, Logger, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { runMigrations } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config.js';
import { ConfigModule } from '../src/config/config.module.js';
import { buildDataSourceOptions } from '../src/database/data-source.js';
import { applyAppRoleGrants } from '../src/database/roles.js';
import { OutboxModule } from '../src/modules/outbox/outbox.module.js';
import { OutboxRelay } from '../src/modules/outbox/outbox.relay.js';
import { OutboxService, type OutboxJob } from '../src/modules/outbox/outbox.service.js';
import { OUTBOX_OPTIONS } from '../src/modules/outbox/outbox.tokens.js';
import { QueueModule } from '../src/modules/queue/queue.module.js';
import { QueueService } from '../src/modules/queue/queue.service.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { APP_ROLE, REDIS_URL } from './support/env.js';

Logger.overrideLogger(['error']);

const REDISPATCH_AFTER_MS = 1500;
const UNUSED_REDIS = 'redis://127.0.0.1:6390';

@Global()
@Module({
  providers: [
    { provide: OUTBOX_OPTIONS, useValue: { autoStart: false, redispatchAfterMs: REDISPATCH_AFTER_MS } },
  ],
  exports: [OUTBOX_OPTIONS],
})
class TestOutboxOptionsModule {}

interface TestApp {
  module: TestingModule;
  outbox: OutboxService;
  relay: OutboxRelay;
  queues: QueueService;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Handler runs per outbox id; `failTimes` in the payload makes the first attempts throw. */
const runs = new Map<string, number>();
async function handler(job: OutboxJob): Promise<void> {
  runs.set(job.outboxId, (runs.get(job.outboxId) ?? 0) + 1);
  if (typeof job.payload.failTimes === 'number' && job.attemptsMade < job.payload.failTimes) {
    throw new Error('planned failure');
  }
}

async function buildApp(opts: {
  databaseUrl: string;
  backend: 'redis' | 'postgres';
  redisUrl?: string;
  prefix: string;
  workers: boolean;
}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: opts.databaseUrl,
    QUEUE_BACKEND: opts.backend,
    REDIS_URL: opts.backend === 'redis' ? (opts.redisUrl ?? REDIS_URL) : undefined,
  });
  const module = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      TypeOrmModule.forRoot(buildDataSourceOptions(opts.databaseUrl, 5)),
      QueueModule.forRoot({ tuning: { prefix: opts.prefix, backoffMs: 100, commandTimeoutMs: 1000 } }),
      TestOutboxOptionsModule,
      OutboxModule,
    ],
  }).compile();
  const outbox = module.get(OutboxService);
  for (const queue of ['test', 'lost', 'held']) outbox.registerHandler(queue, 'work', handler);
  await module.init();
  const queues = module.get(QueueService);
  if (opts.workers) await queues.startWorkers();
  return {
    module,
    outbox,
    queues,
    relay: module.get(OutboxRelay),
    dataSource: module.get<DataSource>(getDataSourceToken()),
    close: () => module.close(),
  };
}

async function enqueue(
  app: TestApp,
  queue: string,
  payload: Record<string, string | number>,
): Promise<string> {
  return app.dataSource.transaction((m) => app.outbox.enqueue(m, { queue, name: 'work', payload }));
}

async function row(app: TestApp, id: string) {
  const [r] = (await app.dataSource.query(
    'SELECT dispatched_at, dispatch_count, completed_at, cancelled_at FROM outbox_message WHERE id = $1',
    [id],
  )) as {
    dispatched_at: Date | null;
    dispatch_count: number;
    completed_at: Date | null;
    cancelled_at: Date | null;
  }[];
  return r;
}

/** Drives the relay (as its timer would) until the row is completed. */
async function relayUntilCompleted(app: TestApp, id: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await row(app, id)).completed_at) {
    if (Date.now() > deadline) throw new Error(`outbox row ${id} not completed in time`);
    await app.relay.flush();
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

describe('outbox on Redis', () => {
  const prefix = `anltest-${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('outbox');
    app = await buildApp({ databaseUrl: db.appUrl, backend: 'redis', prefix, workers: true });
  });

  afterAll(async () => {
    await app?.close();
    await deleteKeys(prefix);
    await db?.drop();
  });

  it('relays nothing from a transaction that rolled back', async () => {
    await expect(
      app.dataSource.transaction(async (m) => {
        await app.outbox.enqueue(m, { queue: 'test', name: 'work', payload: { itemId: 'rolled-back' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await app.relay.flush()).toBe(0);
    const [{ count }] = (await app.dataSource.query('SELECT count(*)::int AS count FROM outbox_message')) as {
      count: number;
    }[];
    expect(count).toBe(0);
  });

  it('runs the handler once for a committed message and completes the row', async () => {
    const id = await enqueue(app, 'test', { itemId: 'a' });
    await relayUntilCompleted(app, id);
    expect(runs.get(id)).toBe(1);
    expect((await row(app, id)).dispatch_count).toBe(1);
  });

  it('completes the row only after a failing handler finally succeeds', async () => {
    const id = await enqueue(app, 'test', { itemId: 'b', failTimes: 2 });
    await relayUntilCompleted(app, id);
    expect(runs.get(id)).toBe(3);
  });

  it('dispatches again when the queue lost the job (Redis restart) and then completes', async () => {
    const queue = await app.queues.queue('lost');
    await queue.pause(); // hold the job in Redis so we can lose it
    const id = await enqueue(app, 'lost', { itemId: 'c' });
    expect(await app.relay.flush()).toBe(1);
    await queue.obliterate({ force: true }); // what a Redis restart without persistence does
    expect(await app.relay.flush()).toBe(0); // not yet due for re-dispatch
    await new Promise((r) => setTimeout(r, REDISPATCH_AFTER_MS + 100));
    await relayUntilCompleted(app, id);
    expect(runs.get(id)).toBe(1);
    expect((await row(app, id)).dispatch_count).toBe(2);
  });

  it('keeps rows undone and does not throw while Redis is unreachable', async () => {
    const offline = await buildApp({
      databaseUrl: db.appUrl,
      backend: 'redis',
      redisUrl: UNUSED_REDIS,
      prefix,
      workers: false,
    });
    try {
      const id = await enqueue(offline, 'test', { itemId: 'd' });
      expect(await offline.relay.flush()).toBe(0);
      expect(await offline.queues.health()).toBe('degraded');
      const r = await row(offline, id);
      expect(r.dispatched_at).toBeNull();
      expect(r.completed_at).toBeNull();
      // once Redis is back (here: the relay of a healthy process) the row goes through
      await relayUntilCompleted(app, id);
    } finally {
      await offline.close();
    }
  });

  it('never runs the handler of a cancelled message', async () => {
    const notYetRelayed = await enqueue(app, 'test', { itemId: 'e', caseId: 'case-1' });
    // held in a paused queue: already relayed when it is cancelled
    const queue = await app.queues.queue('held');
    await queue.pause();
    const relayed = await enqueue(app, 'held', { itemId: 'f', caseId: 'case-1' });
    const unrelated = await enqueue(app, 'held', { itemId: 'g', caseId: 'case-2' });
    const cancel = (q: string) =>
      app.dataSource.transaction((m) =>
        app.outbox.cancel(m, { queue: q, payloadMatch: { caseId: 'case-1' } }),
      );
    expect(await cancel('test')).toBe(1);
    await app.relay.flush();
    expect((await row(app, relayed)).dispatched_at).not.toBeNull();
    expect(await cancel('held')).toBe(1);
    await queue.resume();
    await relayUntilCompleted(app, unrelated);
    await new Promise((r) => setTimeout(r, 300));
    for (const id of [notYetRelayed, relayed]) {
      expect(runs.get(id)).toBeUndefined();
      expect((await row(app, id)).completed_at).toBeNull();
      expect((await row(app, id)).cancelled_at).not.toBeNull();
    }
  });

  it('rejects personal data in payloads and enqueues outside a transaction', async () => {
    await expect(
      app.dataSource.transaction((m) =>
        app.outbox.enqueue(m, { queue: 'test', name: 'work', payload: { email: 'someone@example.org' } }),
      ),
    ).rejects.toThrow(/payload key "email"/);
    await expect(
      app.outbox.enqueue(app.dataSource.manager, { queue: 'test', name: 'work', payload: { itemId: 'h' } }),
    ).rejects.toThrow(/transaction/);
  });
});

describe('outbox on the PostgreSQL queue backend', () => {
  let db: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase('outboxpg');
    // production order: the owner creates BullMQ's schema, then the app role gets its grants
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    await runMigrations(owner);
    await owner.end();
    await applyAppRoleGrants(db.ownerUrl, APP_ROLE);
    app = await buildApp({ databaseUrl: db.appUrl, backend: 'postgres', prefix: 'unused', workers: true });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('runs the handler once for a committed message and completes the row', async () => {
    expect(await app.queues.health()).toBe('ok');
    const id = await enqueue(app, 'test', { itemId: 'pg-a' });
    await relayUntilCompleted(app, id);
    expect(runs.get(id)).toBe(1);
  });
});
