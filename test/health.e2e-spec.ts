import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Global, Logger, Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config.js';
import { ConfigModule } from '../src/config/config.module.js';
import { buildDataSourceOptions } from '../src/database/data-source.js';
import { HealthModule } from '../src/modules/health/health.module.js';
import { OutboxModule } from '../src/modules/outbox/outbox.module.js';
import { OUTBOX_OPTIONS } from '../src/modules/outbox/outbox.tokens.js';
import { QueueModule } from '../src/modules/queue/queue.module.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { REDIS_URL } from './support/env.js';

Logger.overrideLogger(['error']);

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

interface TestApp {
  app: NestFastifyApplication;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

@Global()
@Module({
  providers: [{ provide: OUTBOX_OPTIONS, useValue: { autoStart: false } }],
  exports: [OUTBOX_OPTIONS],
})
class TestOutboxOptionsModule {}

describe('health and metrics', () => {
  const prefix = `anltest-${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  const apps: NestFastifyApplication[] = [];

  async function buildApp(redisUrl: string): Promise<TestApp> {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.appUrl,
      REDIS_URL: redisUrl,
      METRICS_TOKEN,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(buildDataSourceOptions(db.appUrl, 2)),
        QueueModule.forRoot({ tuning: { prefix } }),
        TestOutboxOptionsModule,
        OutboxModule,
        HealthModule,
      ],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(
      new FastifyAdapter({ forceCloseConnections: true }),
    );
    // real HTTP rather than app.inject(): light-my-request cannot load the ESM-only `cookie` under Jest's VM modules
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    const { port } = app.getHttpServer().address() as AddressInfo;
    return { app, get: (path, headers = {}) => fetch(`http://127.0.0.1:${port}${path}`, { headers }) };
  }

  beforeAll(async () => {
    db = await createTestDatabase('health');
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db?.drop();
  });

  it('reports liveness, readiness and metrics with Redis and the database up', async () => {
    const { get } = await buildApp(REDIS_URL);
    const live = await get('/health/live');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    expect(live.headers.get('cache-control')).toBe('no-store');

    const ready = await get('/health');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', database: 'ok', queue: 'ok', queueBackend: 'redis' });
    expect(ready.headers.get('cache-control')).toBe('no-store');

    const anonymous = await get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
    const wrong = await get('/metrics', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);

    const metrics = await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('cache-control')).toBe('no-store');
    const body = await metrics.text();
    expect(body).toContain('anl_outbox_undone_messages 0');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.-]+/);
  });

  it('stays ready with the queue degraded when Redis is unreachable', async () => {
    const { get } = await buildApp('redis://127.0.0.1:6390');
    const ready = await get('/health');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      database: 'ok',
      queue: 'degraded',
      queueBackend: 'redis',
    });
    expect((await get('/health/live')).status).toBe(200);
  });

  it('is not ready without the database, but still alive', async () => {
    const { app, get } = await buildApp(REDIS_URL);
    await app.get<DataSource>(getDataSourceToken()).destroy();
    const ready = await get('/health');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'error', database: 'error', queueBackend: 'redis' });
    expect((await get('/health/live')).status).toBe(200);
  });
});
