/**
 * The real PostgreSQL URL. In embedded mode config.database.url is undefined until the app has
 * started its own server, so the bootstrap provides the actual URL through QueueModule.forRoot.
 */
export const DATABASE_URL_TOKEN = Symbol('DATABASE_URL');

/** Tuning knobs; defaults suit production, tests shorten them. */
export const QUEUE_TUNING = Symbol('QUEUE_TUNING');

export interface QueueTuning {
  /** Redis key prefix (namespaces this installation's keys; tests use a unique one per file) */
  prefix: string;
  concurrency: number;
  attempts: number;
  /** first retry delay; doubles with every attempt */
  backoffMs: number;
  /** how long a producer call may take before it counts as failed (Redis down) */
  commandTimeoutMs: number;
  /** how long shutdown waits for active jobs before closing workers forcibly */
  shutdownGraceMs: number;
}

export const DEFAULT_QUEUE_TUNING: QueueTuning = {
  prefix: 'anl',
  concurrency: 5,
  attempts: 8,
  backoffMs: 2000,
  commandTimeoutMs: 3000,
  shutdownGraceMs: 20000,
};
