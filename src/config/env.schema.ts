import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Deployment settings. Every property here is an environment variable, listed with a comment in
 * .env.example and in the README. Policy settings (retention, deadlines, districts, …) are NOT here:
 * they live in the database (settings module) so a city changes them without a deployment.
 */
export class EnvSchema {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  PUBLIC_URL = 'http://localhost:3000';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'MIGRATION_DATABASE_URL must be a postgres:// URL' })
  MIGRATION_DATABASE_URL?: string;

  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @IsString()
  EMBEDDED_DATA_DIR = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['redis', 'postgres'])
  QUEUE_BACKEND?: 'redis' | 'postgres';

  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  WORKERS_IN_PROCESS?: boolean;

  @Matches(/^[A-Za-z0-9_-]{1,40}$/, { message: 'QUEUE_PREFIX may use letters, digits, - and _ (at most 40)' })
  QUEUE_PREFIX = 'anl';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(10)
  DATA_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  DATA_KEY_FILE?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  SESSION_IDLE_MINUTES = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 14)
  SESSION_ABSOLUTE_HOURS = 12;

  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY = false;

  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  COOKIE_SECURE?: boolean;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^smtps?:\/\//, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsEmail({ require_tld: false })
  MAIL_FROM = 'anlaufstelle@localhost';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  @IsString()
  INITIAL_ADMIN_EMAIL = 'admin@anlaufstelle.local';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE = 300;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  INTAKE_RATE_LIMIT_PER_10_MINUTES = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  ATTACHMENT_MAX_MB = 10;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(20)
  ATTACHMENT_MAX_FILES = 5;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  CLAMAV_HOST?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  CLAMAV_PORT = 3310;
}
