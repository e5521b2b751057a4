import 'reflect-metadata';
import { createHttpApp } from './app.factory.js';
import { ConfigError, loadConfigFromProcess, type AppConfig } from './config/app-config.js';
import { printDemoLogins, printInitialAdmin } from './console.js';
import { createLogger } from './common/logging/logger.js';
import { StaffService } from './modules/auth/staff.service.js';
import { DemoCasesSeeder } from './modules/demo/demo-cases.seeder.js';
import { DemoService } from './modules/demo/demo.service.js';
import { ReferralsDemoSeeder } from './modules/referrals/referrals-demo.seeder.js';
import { QueueService } from './modules/queue/queue.service.js';
import { prepareRuntime } from './runtime.js';

/** The HTTP process. In embedded mode it also runs the queue workers and its own PostgreSQL. */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfigFromProcess();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const started = Date.now();
  const logger = createLogger(config);
  const runtime = await prepareRuntime(config, logger);
  const app = await createHttpApp({ config, databaseUrl: runtime.databaseUrl, logger });

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    try {
      await app.close();
    } finally {
      await runtime.stop().catch(() => undefined);
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  // onModuleInit registers the queue processors: init before starting workers
  await app.init();
  const admin = await app.get(StaffService).ensureInitialAdmin(config.initialAdminEmail);
  if (admin) printInitialAdmin(admin, config.http.publicUrl);
  if (process.argv.includes('--demo')) {
    printDemoLogins(await app.get(DemoService).seed(), config.http.publicUrl);
    await app.get(ReferralsDemoSeeder).seed();
    const seeded = await app.get(DemoCasesSeeder).seed();
    if (seeded.reports)
      process.stdout.write(`Demo data: ${seeded.reports} reports, ${seeded.cases} cases.\n`);
  }
  if (config.queue.workersInProcess) await app.get(QueueService).startWorkers();

  await app.listen({ port: config.http.port, host: config.http.host });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info(
    {
      url: config.http.publicUrl,
      port,
      mode: runtime.embedded ? 'embedded' : 'postgresql',
      queueBackend: config.queue.backend,
      workersInProcess: config.queue.workersInProcess,
      startupMs: Date.now() - started,
    },
    'Anlaufstelle is listening',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`Start-up failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
