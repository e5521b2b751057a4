import { once } from 'node:events';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  Queue,
  Worker,
  assertSchemaCompatibility,
  createPostgresBackend,
  LATEST_SCHEMA_VERSION,
  runMigrations,
  SchemaMigrationRequiredError,
  type PostgresConnectionOptions,
  type Job,
  type JobsOptions,
} from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { AppConfig, QueueBackend } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { DATABASE_URL_TOKEN, DEFAULT_QUEUE_TUNING, QUEUE_TUNING, type QueueTuning } from './queue.tokens.js';

export type JobData = Record<string, unknown>;

/** What a processor sees of a BullMQ job: ids only, never the library object. */
export interface QueueJob {
  id: string;
  name: string;
  data: JobData;
  attemptsMade: number;
}
export type JobHandler = (job: QueueJob) => Promise<void>;

/** A BullMQ queue on either backend (the high-level API is the same for both). */
export type AppQueue = Queue<JobData>;

interface Repeatable {
  queue: string;
  name: string;
  every: number | string;
}

/** Rejects after `ms` so a call against an unreachable Redis cannot hang the caller. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  promise.catch(() => undefined); // the loser of the race must not become an unhandled rejection
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * BullMQ on the configured backend. We use BullMQ directly rather than @nestjs/bullmq because
 * @nestjs/bullmq cannot pass a backend factory (createPostgresBackend) to Queue and Worker.
 *
 * Redis holds queues only: every job that matters comes from the outbox, so a Redis outage delays
 * work but loses nothing. Hence an outage must never crash the process: every client and BullMQ
 * object gets an 'error' listener and the outage is logged once, not once per reconnect attempt.
 */
@Injectable()
export class QueueService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueService.name);
  private readonly tuning: QueueTuning;
  private readonly queues = new Map<string, AppQueue>();
  private readonly processors = new Map<string, Map<string, JobHandler>>();
  private readonly repeatables: Repeatable[] = [];
  private readonly workers: Worker[] = [];
  /** producer and worker connections are separate: workers need maxRetriesPerRequest: null */
  private redis?: Redis;
  private workerRedis?: Redis;
  private redisDown = false;
  private pgPool?: pg.Pool;
  private pgSchemaReady?: Promise<void>;
  private closed = false;
  readonly backend: QueueBackend;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(DATABASE_URL_TOKEN) private readonly databaseUrl?: string,
    @Optional() @Inject(QUEUE_TUNING) tuning?: Partial<QueueTuning>,
  ) {
    this.tuning = { ...DEFAULT_QUEUE_TUNING, ...tuning };
    this.backend = config.queue.backend;
  }

  get commandTimeoutMs(): number {
    return this.tuning.commandTimeoutMs;
  }

  /** The queue with this name, created on first use. */
  async queue(name: string): Promise<AppQueue> {
    if (this.backend === 'postgres') await this.ensurePgSchema();
    let queue = this.queues.get(name);
    if (!queue) {
      const defaultJobOptions: JobsOptions = {
        attempts: this.tuning.attempts,
        backoff: { type: 'exponential', delay: this.tuning.backoffMs },
        // the outbox row is the record; BullMQ only keeps enough history to debug
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 14 * 24 * 3600 },
      };
      queue =
        this.backend === 'postgres'
          ? (new Queue(
              name,
              { connection: this.pgConnection(), defaultJobOptions },
              createPostgresBackend,
            ) as unknown as AppQueue)
          : new Queue<JobData>(name, {
              connection: this.redisClient(),
              prefix: this.tuning.prefix,
              defaultJobOptions,
            });
      queue.on('error', (e) => this.onBackendError(e));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Called by modules in onModuleInit; the handler runs only where startWorkers() is called. */
  registerProcessor(queue: string, name: string, handler: JobHandler): void {
    if (this.workers.length > 0)
      throw new Error(`processor ${queue}/${name} registered after startWorkers()`);
    const handlers = this.processors.get(queue) ?? new Map<string, JobHandler>();
    if (handlers.has(name)) throw new Error(`a processor for ${queue}/${name} is already registered`);
    handlers.set(name, handler);
    this.processors.set(queue, handlers);
  }

  /**
   * A job scheduler (cron pattern or interval in ms). Upserted at every boot and after every Redis
   * outage, because a Redis restart without persistence forgets them.
   */
  registerRepeatable(queue: string, name: string, every: number | string): void {
    this.repeatables.push({ queue, name, every });
  }

  onApplicationBootstrap(): void {
    if (this.backend === 'redis') this.redisClient(); // connect now, so the first health check finds it ready
    void this.upsertSchedulers();
  }

  /** Starts one worker per queue with registered processors (the app in embedded mode, the worker process always). */
  async startWorkers(): Promise<void> {
    if (this.workers.length > 0) return;
    if (this.backend === 'postgres') await this.ensurePgSchema();
    for (const [queueName, handlers] of this.processors) {
      const processor = async (job: Job<JobData>) => {
        const handler = handlers.get(job.name);
        // a job from a newer release during a rolling deploy: fail it, the retry may reach a newer worker
        if (!handler) throw new Error(`no processor for ${queueName}/${job.name}`);
        await handler({ id: job.id ?? '', name: job.name, data: job.data, attemptsMade: job.attemptsMade });
      };
      const worker =
        this.backend === 'postgres'
          ? (new Worker(
              queueName,
              processor,
              { connection: this.pgConnection(), concurrency: this.tuning.concurrency },
              createPostgresBackend,
            ) as unknown as Worker)
          : new Worker<JobData>(queueName, processor, {
              connection: this.workerRedisClient(),
              prefix: this.tuning.prefix,
              concurrency: this.tuning.concurrency,
            });
      worker.on('error', (e) => this.onBackendError(e));
      // job ids and names only: the failure reason may quote data, so it stays in BullMQ
      worker.on('failed', (job) =>
        this.logger.warn(`job ${queueName}/${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade})`),
      );
      this.workers.push(worker);
    }
    this.logger.log(`workers started for ${[...this.processors.keys()].join(', ') || 'no queues'}`);
  }

  /** 'degraded' when the queue backend does not answer quickly; never throws, never hangs. */
  async health(): Promise<'ok' | 'degraded'> {
    try {
      if (this.backend === 'postgres') {
        await withTimeout(this.pool().query('SELECT 1'), 1000, 'queue database ping');
      } else {
        const redis = this.redisClient();
        if (this.redisDown) return 'degraded'; // known outage: answer at once
        if (redis.status !== 'ready') await withTimeout(once(redis, 'ready'), 1000, 'redis connect');
        await withTimeout(redis.ping(), 1000, 'redis ping');
      }
      return 'ok';
    } catch {
      return 'degraded';
    }
  }

  /** Cheap check so a relay does not pile commands into ioredis' offline queue during an outage. */
  isAvailable(): boolean {
    return this.backend === 'postgres' || this.redisClient().status === 'ready';
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // let active jobs finish; after the grace period close forcibly (their jobs become stalled and run again)
    await Promise.all(
      this.workers.map((w) =>
        withTimeout(w.close(), this.tuning.shutdownGraceMs, 'worker close').catch(() => w.close(true)),
      ),
    );
    // during an outage a queue's close() waits for a connection that never comes: drop it first
    if (this.redis && this.redis.status !== 'ready') this.redis.disconnect();
    await Promise.allSettled(
      [...this.queues.values()].map((q) => withTimeout(q.close(), 5000, 'queue close')),
    );
    this.redis?.disconnect();
    this.workerRedis?.disconnect();
    await this.pgPool?.end().catch(() => undefined);
  }

  private async upsertSchedulers(): Promise<void> {
    for (const r of this.repeatables) {
      const repeat = typeof r.every === 'number' ? { every: r.every } : { pattern: r.every };
      try {
        await withTimeout(
          (await this.queue(r.queue)).upsertJobScheduler(`${r.queue}:${r.name}`, repeat, {
            name: r.name,
            data: {},
          }),
          this.tuning.commandTimeoutMs,
          'upsert job scheduler',
        );
      } catch (e) {
        // retried when Redis comes back (see onRedisReady)
        this.logger.warn(`could not register job scheduler ${r.queue}/${r.name}: ${(e as Error).message}`);
      }
    }
  }

  private redisClient(): Redis {
    if (!this.redis) {
      // fail fast rather than queue commands for minutes: the outbox retries anyway
      this.redis = this.createRedis({ maxRetriesPerRequest: 1 });
      this.redis.on('ready', () => this.onRedisReady());
    }
    return this.redis;
  }

  private workerRedisClient(): Redis {
    this.workerRedis ??= this.createRedis({ maxRetriesPerRequest: null });
    return this.workerRedis;
  }

  private createRedis(options: { maxRetriesPerRequest: number | null }): Redis {
    const url = this.config.queue.redisUrl;
    if (!url) throw new Error('REDIS_URL is not configured');
    const redis = new Redis(url, { ...options, lazyConnect: false });
    redis.on('error', (e) => this.onBackendError(e));
    return redis;
  }

  private onBackendError(e: Error): void {
    if (this.redisDown || this.closed) return;
    this.redisDown = true;
    this.logger.error(`queue backend unavailable (${this.backend}): ${e.message}; jobs wait in the outbox`);
  }

  private onRedisReady(): void {
    if (!this.redisDown) return;
    this.redisDown = false;
    this.logger.log('queue backend available again');
    void this.upsertSchedulers();
  }

  private url(): string {
    const url = this.databaseUrl ?? this.config.database.url;
    if (!url) throw new Error('QUEUE_BACKEND=postgres needs the database URL (provide DATABASE_URL_TOKEN)');
    return url;
  }

  private pool(): pg.Pool {
    if (!this.pgPool) {
      this.pgPool = new pg.Pool({
        connectionString: this.url(),
        max: 1,
        application_name: 'anlaufstelle-queue',
      });
      this.pgPool.on('error', (e) => this.onBackendError(e));
    }
    return this.pgPool;
  }

  /** Connection options for one BullMQ object on PostgreSQL: each owns a small pool (workers one LISTEN connection more). */
  private pgConnection(): PostgresConnectionOptions {
    return { connectionString: this.url(), max: 2, application_name: 'anlaufstelle-queue' };
  }

  /**
   * BullMQ's schema must exist before a Queue or Worker connects (their readiness check is memoized,
   * so one failure would break them for good). Creating it needs CREATE on the database: fine in
   * embedded mode (superuser); with a restricted app role the owner must have run BullMQ's
   * migrations (and the grants) beforehand, and we only check compatibility.
   */
  private ensurePgSchema(): Promise<void> {
    this.pgSchemaReady ??= (async () => {
      const client = await this.pool().connect();
      try {
        let version = 0;
        try {
          version = await assertSchemaCompatibility(client);
        } catch (e) {
          if (!(e instanceof SchemaMigrationRequiredError)) throw e;
        }
        if (version < LATEST_SCHEMA_VERSION) await runMigrations(client);
      } finally {
        client.release();
      }
    })().catch((e: unknown) => {
      this.pgSchemaReady = undefined; // try again on the next call
      throw e;
    });
    return this.pgSchemaReady;
  }
}
