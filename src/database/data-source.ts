import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';

/** The one DataSource configuration, used by Nest, the migration CLI and the tests. */
export function buildDataSourceOptions(url: string, poolSize: number): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install, none for the app role to create
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    // waiting longer than 10 s for a connection answers 503 (see the error filter) instead of hanging
    extra: { max: poolSize, application_name: 'anlaufstelle', connectionTimeoutMillis: 10_000 },
  };
}
