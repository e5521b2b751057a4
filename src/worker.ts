import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, PinoNestLogger } from './common/logging/logger.js';
import { loadConfigFromProcess } from './config/app-config.js';
import { QueueService } from './modules/queue/queue.service.js';
import { WorkerModule } from './modules/queue/worker.module.js';
import { prepareRuntime } from './runtime.js';

/** The worker process: consumes the queues; scales independently of the HTTP process. */
async function main(): Promise<void> {
  const config = loadConfigFromProcess();
  const logger = new PinoNestLogger(createLogger(config));
  const databaseUrl = config.database.url;
  if (!databaseUrl) {
    // a separate worker needs the shared database; in embedded mode the app runs its workers itself
    logger.error(
      'DATABASE_URL is not set: the worker needs the shared database (embedded mode runs workers in the app)',
      'Worker',
    );
    process.exitCode = 1;
    return;
  }
  // app and worker may start at the same moment: both migrate, under the advisory lock
  await prepareRuntime(config, createLogger(config));
  const app = await NestFactory.createApplicationContext(
    WorkerModule.forRoot({ ...config, database: { ...config.database, url: databaseUrl } }),
    { logger },
  );
  await app.get(QueueService).startWorkers();
  new Logger('Worker').log(`worker started (queue backend: ${config.queue.backend})`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    new Logger('Worker').log(`${signal} received, letting active jobs finish`);
    // QueueService waits up to 20 s for active jobs, then closes workers forcibly
    app.close().then(
      () => process.exit(0),
      (e: unknown) => {
        new Logger('Worker').error(`shutdown failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  // configuration errors name the variable; nothing else here carries personal data
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
