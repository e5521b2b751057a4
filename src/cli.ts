import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConfigError, loadConfigFromProcess, type AppConfig } from './config/app-config.js';
import { ViewsModule } from './common/views/views.module.js';
import { ConfigModule } from './config/config.module.js';
import { printDemoLogins } from './console.js';
import { buildDataSourceOptions } from './database/data-source.js';
import { generateMigration } from './database/generate-migration.js';
import { pendingSchemaChanges, revertLastMigration, runMigrationsLocked } from './database/migrator.js';
import { createLogger, PinoNestLogger } from './common/logging/logger.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AuditService } from './modules/audit/audit.service.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { ORGANISATION_KINDS, type OrganisationKind } from './modules/auth/entities/organisation.entity.js';
import { STAFF_ROLES, type StaffRole } from './modules/auth/entities/staff-user.entity.js';
import { StaffService, SYSTEM_ACTOR } from './modules/auth/staff.service.js';
import { CryptoModule } from './modules/crypto/crypto.module.js';
import { CryptoService } from './modules/crypto/crypto.service.js';
import { DemoCasesSeeder } from './modules/demo/demo-cases.seeder.js';
import { DemoService } from './modules/demo/demo.service.js';
import { ReferralsDemoSeeder } from './modules/referrals/referrals-demo.seeder.js';
import { prepareRuntime } from './runtime.js';
import { createHttpApp, DIRECT_PUBLIC_ROUTES } from './app.factory.js';
import { routeInventory } from './common/http/route-inventory.js';

const HELP = `Anlaufstelle CLI — npm run cli -- <command> [options]

  migration:run                      apply pending migrations (owner role, advisory lock)
  migration:revert                   revert the last migration
  migration:generate <Name>          write a migration for entity changes
  migration:check                    exit 1 if entities and migrations drift apart
  org:create --name N --code C --kind K
                                     kinds: ${ORGANISATION_KINDS.join(', ')}
  user:create --email E --name N --role R --org CODE [--password-stdin]
                                     roles: ${STAFF_ROLES.join(', ')}; without --password-stdin a
                                     one-time password is generated and printed once
  user:reset-mfa --email E           remove a user's second factor (re-enrol at next login)
  audit:verify                       check the audit hash chain; names the first broken row
  keys:rotate                        re-wrap all data keys with the active master key (DATA_KEY)
  demo:seed                          demo organisations and a login for every role
  routes [--json]                    every HTTP route and how it is protected (public, roles)

In embedded mode (no DATABASE_URL) stop the app first: the CLI starts the same embedded server.`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function required(args: string[], name: string): string {
  const value = option(args, name);
  if (!value) throw new UsageError(`missing --${name}`);
  return value;
}

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

@Module({})
class CliModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        ViewsModule,
        TypeOrmModule.forRoot(buildDataSourceOptions(databaseUrl, 2)),
        CryptoModule,
        AuditModule,
        AuthModule,
      ],
    };
  }
}

async function withContext<T>(
  config: AppConfig,
  fn: (ctx: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const logger = createLogger({ log: { level: config.log.level === 'info' ? 'warn' : config.log.level } });
  const runtime = await prepareRuntime(config, logger);
  const ctx = await NestFactory.createApplicationContext(CliModule.forRoot(config, runtime.databaseUrl), {
    logger: new PinoNestLogger(logger),
  });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
    await runtime.stop();
  }
}

async function withMigrationUrl<T>(config: AppConfig, fn: (url: string) => Promise<T>): Promise<T> {
  const logger = createLogger({ log: { level: 'warn' } });
  const runtime = await prepareRuntime(
    { ...config, database: { ...config.database, runMigrations: false } },
    logger,
  );
  try {
    return await fn(config.database.migrationUrl ?? runtime.databaseUrl);
  } finally {
    await runtime.stop();
  }
}

async function run(command: string | undefined, args: string[]): Promise<number> {
  const config = loadConfigFromProcess();
  switch (command) {
    case 'migration:run':
      return withMigrationUrl(config, async (url) => {
        const { applied } = await runMigrationsLocked(url);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
        return 0;
      });
    case 'migration:revert':
      return withMigrationUrl(config, async (url) => {
        await revertLastMigration(url);
        console.log('reverted the last migration');
        return 0;
      });
    case 'migration:generate': {
      const name = args[0];
      if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name))
        throw new UsageError('migration:generate needs a CamelCase name');
      return withMigrationUrl(config, async (url) => {
        await runMigrationsLocked(url);
        const file = await generateMigration(url, name);
        console.log(
          file ? `written: ${file}\nAdd it to migrations/index.ts, read it, commit it.` : 'no changes',
        );
        return 0;
      });
    }
    case 'migration:check':
      return withMigrationUrl(config, async (url) => {
        await runMigrationsLocked(url);
        const drift = await pendingSchemaChanges(url);
        if (drift.length === 0) {
          console.log('entities and migrations agree');
          return 0;
        }
        console.error(`entities and migrations drift apart; missing migration for:\n  ${drift.join('\n  ')}`);
        return 1;
      });
    case 'org:create': {
      const kind = required(args, 'kind') as OrganisationKind;
      if (!ORGANISATION_KINDS.includes(kind))
        throw new UsageError(`--kind must be one of ${ORGANISATION_KINDS.join(', ')}`);
      return withContext(config, async (ctx) => {
        const org = await ctx.get(StaffService).createOrganisation(SYSTEM_ACTOR, {
          name: required(args, 'name'),
          code: required(args, 'code'),
          kind,
        });
        console.log(`organisation ${org.code} created (${org.id})`);
        return 0;
      });
    }
    case 'user:create': {
      const role = required(args, 'role') as StaffRole;
      if (!STAFF_ROLES.includes(role))
        throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
      const password = args.includes('--password-stdin') ? await readStdin() : undefined;
      return withContext(config, async (ctx) => {
        const staff = ctx.get(StaffService);
        const org = await staff.findOrganisationByCode(required(args, 'org'));
        if (!org) throw new UsageError(`no organisation with code ${option(args, 'org')}`);
        const { user, oneTimePassword } = await staff.createUser(SYSTEM_ACTOR, {
          organisationId: org.id,
          email: required(args, 'email'),
          displayName: required(args, 'name'),
          role,
          password,
        });
        console.log(`user ${user.email} (${user.role}) created in ${org.code}`);
        if (oneTimePassword)
          console.log(`one-time password (shown once, change at first login): ${oneTimePassword}`);
        return 0;
      });
    }
    case 'user:reset-mfa':
      return withContext(config, async (ctx) => {
        const staff = ctx.get(StaffService);
        const user = await staff.findUserByEmail(required(args, 'email'));
        if (!user) throw new UsageError('no such user');
        await staff.resetMfa(SYSTEM_ACTOR, user.id);
        console.log(`second factor of ${user.email} removed; sessions ended; they enrol again at next login`);
        return 0;
      });
    case 'audit:verify':
      return withContext(config, async (ctx) => {
        const result = await ctx.get(AuditService).verify();
        if (result.ok) {
          console.log(`audit chain intact: ${result.checked} rows, head ${result.head ?? '(empty)'}`);
          return 0;
        }
        console.error(
          `audit chain BROKEN at row ${result.firstBrokenId} (${result.reason}); ${result.checked} rows checked`,
        );
        return 2;
      });
    case 'keys:rotate':
      return withContext(config, async (ctx) => {
        const crypto = ctx.get(CryptoService);
        const { rewrapped } = await crypto.rewrapAll();
        console.log(`${rewrapped} data keys re-wrapped with master key ${crypto.activeKeyId()}`);
        return 0;
      });
    case 'routes': {
      const logger = createLogger({ log: { level: 'warn' } });
      const runtime = await prepareRuntime(config, logger);
      const fastifyRoutes: { method: string; url: string }[] = [];
      const app = await createHttpApp({
        config,
        databaseUrl: runtime.databaseUrl,
        logger,
        onRoute: (r) => {
          for (const method of Array.isArray(r.method) ? r.method : [r.method])
            fastifyRoutes.push({ method, url: r.url });
        },
      });
      try {
        await app.init();
        await app.getHttpAdapter().getInstance().ready();
        const routes = routeInventory(app, fastifyRoutes, DIRECT_PUBLIC_ROUTES);
        if (args.includes('--json')) console.log(JSON.stringify(routes, null, 2));
        else
          for (const r of routes)
            console.log(
              `${r.method.padEnd(7)} ${r.url.padEnd(48)} ${r.access}${r.roles ? ` (${r.roles.join(', ')})` : ''}`,
            );
        return routes.some((r) => r.access === 'unguarded') ? 3 : 0;
      } finally {
        await app.close();
        await runtime.stop();
      }
    }
    case 'demo:seed': {
      // the whole application (intake and cases write outbox rows), without listening
      const logger = createLogger({ log: { level: 'warn' } });
      const runtime = await prepareRuntime(config, logger);
      const app = await createHttpApp({ config, databaseUrl: runtime.databaseUrl, logger });
      try {
        await app.init();
        printDemoLogins(await app.get(DemoService).seed(), config.http.publicUrl);
        await app.get(ReferralsDemoSeeder).seed();
        const seeded = await app.get(DemoCasesSeeder).seed();
        console.log(`demo data: ${seeded.reports} reports, ${seeded.cases} cases`);
        return 0;
      } finally {
        await app.close();
        await runtime.stop();
      }
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(HELP);
      return command ? 0 : 64;
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

const [command, ...args] = process.argv.slice(2);
run(command, args)
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n\n${HELP}`);
      process.exit(64);
    }
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    const err = e as { messageKey?: string; message?: string };
    console.error(`failed: ${err.messageKey ?? err.message ?? String(e)}`);
    process.exit(1);
  });
