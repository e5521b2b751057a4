import { Global, Module, type DynamicModule } from '@nestjs/common';
import { QueueService } from './queue.service.js';
import { DATABASE_URL_TOKEN, QUEUE_TUNING, type QueueTuning } from './queue.tokens.js';

/**
 * BullMQ queues and workers on Redis or on PostgreSQL (embedded mode). Modules register processors
 * in onModuleInit; workers start only where startWorkers() is called (the worker process, or the
 * app itself when WORKERS_IN_PROCESS). Jobs that matter are written through the outbox, never
 * added here directly.
 */
@Global()
@Module({ providers: [QueueService], exports: [QueueService] })
export class QueueModule {
  /** databaseUrl: the real URL in embedded mode (config.database.url is undefined there). */
  static forRoot(options: { databaseUrl?: string; tuning?: Partial<QueueTuning> } = {}): DynamicModule {
    return {
      module: QueueModule,
      providers: [
        { provide: DATABASE_URL_TOKEN, useValue: options.databaseUrl },
        { provide: QUEUE_TUNING, useValue: options.tuning ?? {} },
      ],
      exports: [DATABASE_URL_TOKEN],
    };
  }
}
