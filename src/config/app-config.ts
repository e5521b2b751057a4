import { resolve } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EnvSchema } from './env.schema.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type QueueBackend = 'redis' | 'postgres';

/** Typed, validated configuration. Built once from the environment; nothing else reads process.env. */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: {
    port: number;
    host: string;
    publicUrl: string;
    trustProxy: boolean;
    cookieSecure: boolean;
    rateLimitPerMinute: number;
  };
  database: {
    /** undefined = embedded PostgreSQL (started by the app) */
    url?: string;
    migrationUrl?: string;
    runMigrations: boolean;
    poolSize: number;
    embeddedDataDir: string;
  };
  queue: {
    backend: QueueBackend;
    redisUrl?: string;
    workersInProcess: boolean;
    /** Redis key prefix: several installations (or test runs) can share one Redis */
    prefix: string;
  };
  crypto: { dataKey?: string; dataKeyFile?: string };
  session: { idleMinutes: number; absoluteHours: number };
  mail: { smtpUrl?: string; from: string };
  log: { level: EnvSchema['LOG_LEVEL'] };
  metrics: { token?: string };
  initialAdminEmail: string;
  intake: {
    rateLimitPer10Minutes: number;
    maxFileBytes: number;
    maxFiles: number;
    clamav?: { host: string; port: number };
  };
}

function describe(errors: ValidationError[]): string {
  return errors
    .map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ') || 'invalid value'}`)
    .join('\n  ');
}

export function loadConfig(source: Record<string, string | undefined>): AppConfig {
  const known = Object.keys(new EnvSchema());
  const picked: Record<string, string> = {};
  for (const key of [
    ...known,
    'DATABASE_URL',
    'MIGRATION_DATABASE_URL',
    'REDIS_URL',
    'QUEUE_BACKEND',
    'WORKERS_IN_PROCESS',
    'DATA_KEY',
    'DATA_KEY_FILE',
    'COOKIE_SECURE',
    'SMTP_URL',
    'METRICS_TOKEN',
    'CLAMAV_HOST',
  ]) {
    const value = source[key];
    if (value !== undefined) picked[key] = value;
  }
  const env = plainToInstance(EnvSchema, picked, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: true });
  if (errors.length > 0) {
    throw new ConfigError(`Invalid configuration (see .env.example):\n  ${describe(errors)}`);
  }
  const production = env.NODE_ENV === 'production';
  if (production && !env.DATABASE_URL) {
    throw new ConfigError('Invalid configuration: DATABASE_URL is required when NODE_ENV=production');
  }
  if (production && !env.DATA_KEY && !env.DATA_KEY_FILE) {
    throw new ConfigError(
      'Invalid configuration: DATA_KEY or DATA_KEY_FILE is required when NODE_ENV=production',
    );
  }
  const backend: QueueBackend = env.QUEUE_BACKEND ?? (env.REDIS_URL ? 'redis' : 'postgres');
  if (backend === 'redis' && !env.REDIS_URL) {
    throw new ConfigError('Invalid configuration: REDIS_URL is required when QUEUE_BACKEND=redis');
  }
  return {
    env: env.NODE_ENV,
    http: {
      port: env.PORT,
      host: env.HOST,
      publicUrl: env.PUBLIC_URL.replace(/\/$/, ''),
      trustProxy: env.TRUST_PROXY,
      cookieSecure: env.COOKIE_SECURE ?? env.PUBLIC_URL.startsWith('https://'),
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    },
    database: {
      url: env.DATABASE_URL,
      migrationUrl: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL,
      runMigrations: env.MIGRATIONS_RUN,
      poolSize: env.DATABASE_POOL_SIZE,
      embeddedDataDir: resolve(env.EMBEDDED_DATA_DIR),
    },
    queue: {
      backend,
      redisUrl: env.REDIS_URL,
      workersInProcess: env.WORKERS_IN_PROCESS ?? !env.DATABASE_URL,
      prefix: env.QUEUE_PREFIX,
    },
    crypto: { dataKey: env.DATA_KEY, dataKeyFile: env.DATA_KEY_FILE },
    session: { idleMinutes: env.SESSION_IDLE_MINUTES, absoluteHours: env.SESSION_ABSOLUTE_HOURS },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM },
    log: { level: env.LOG_LEVEL },
    metrics: { token: env.METRICS_TOKEN },
    initialAdminEmail: env.INITIAL_ADMIN_EMAIL,
    intake: {
      rateLimitPer10Minutes: env.INTAKE_RATE_LIMIT_PER_10_MINUTES,
      maxFileBytes: env.ATTACHMENT_MAX_MB * 1024 * 1024,
      maxFiles: env.ATTACHMENT_MAX_FILES,
      clamav: env.CLAMAV_HOST ? { host: env.CLAMAV_HOST, port: env.CLAMAV_PORT } : undefined,
    },
  };
}

/** The only place that reads process.env. */
export function loadConfigFromProcess(): AppConfig {
  return loadConfig(process.env);
}
