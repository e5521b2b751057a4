import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { QueueService, withTimeout, type AppQueue } from '../queue/queue.service.js';
import type { OutboxPayload } from './outbox.service.js';
import { DEFAULT_OUTBOX_OPTIONS, OUTBOX_OPTIONS, type OutboxOptions } from './outbox.tokens.js';

interface ClaimedRow {
  id: string;
  queue: string;
  name: string;
  payload: OutboxPayload;
  dispatched_at: Date | null;
}

/** BullMQ job ids must not be plain integers; the prefix also makes the id stable across re-dispatches. */
export const outboxJobId = (id: string) => `ob-${id}`;

/**
 * Moves committed outbox rows into the queue. Runs in every process with the outbox module;
 * FOR UPDATE SKIP LOCKED lets several relays share the table. A row counts as done only when its
 * job completed (see OutboxService.registerHandler), so a row dispatched long ago and still undone
 * is dispatched again: its job may have been lost in a Redis restart.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly options: OutboxOptions;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<number>;
  private stopped = false;
  private failing = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueueService,
    @Optional() @Inject(OUTBOX_OPTIONS) options?: Partial<OutboxOptions>,
  ) {
    this.options = { ...DEFAULT_OUTBOX_OPTIONS, ...options };
  }

  onApplicationBootstrap(): void {
    if (this.options.autoStart) this.schedule();
  }

  /** Stops before the queues close (onApplicationShutdown), so no pass runs against closed connections. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight?.catch(() => undefined);
  }

  /** One relay pass; resolves to the number of rows dispatched. Never rejects. */
  flush(): Promise<number> {
    this.inFlight ??= this.pass().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.flush().then(() => this.schedule()), this.options.intervalMs);
  }

  private async pass(): Promise<number> {
    if (!this.queues.isAvailable()) return 0;
    try {
      const count = await this.dataSource.transaction((manager) =>
        this.dispatchBatch(manager.query.bind(manager)),
      );
      if (this.failing) this.logger.log('outbox relay recovered');
      this.failing = false;
      return count;
    } catch (e) {
      // once per outage: the relay retries every interval
      if (!this.failing) this.logger.error(`outbox relay pass failed, retrying: ${(e as Error).message}`);
      this.failing = true;
      return 0;
    }
  }

  private async dispatchBatch(query: (sql: string, params: unknown[]) => Promise<unknown>): Promise<number> {
    // raw SQL: SKIP LOCKED and the interval arithmetic are clearer than their query-builder spelling
    const rows = (await query(
      `SELECT id, queue, name, payload, dispatched_at FROM outbox_message
        WHERE completed_at IS NULL AND cancelled_at IS NULL AND available_at <= now()
          AND (dispatched_at IS NULL OR dispatched_at < now() - make_interval(secs => $1))
        ORDER BY created_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [this.options.redispatchAfterMs / 1000, this.options.batchSize],
    )) as ClaimedRow[];
    const dispatched: string[] = [];
    for (const row of rows) {
      try {
        await this.dispatch(row);
        dispatched.push(row.id);
      } catch (e) {
        // the rest of the batch stays undone and is tried again next pass
        if (!this.failing)
          this.logger.warn(`outbox relay could not dispatch to ${row.queue}: ${(e as Error).message}`);
        this.failing = true;
        break;
      }
    }
    if (dispatched.length > 0) {
      await query(
        `UPDATE outbox_message SET dispatched_at = now(), dispatch_count = dispatch_count + 1 WHERE id = ANY($1::bigint[])`,
        [dispatched],
      );
    }
    return dispatched.length;
  }

  private async dispatch(row: ClaimedRow): Promise<void> {
    const timeout = this.queues.commandTimeoutMs;
    const queue = await withTimeout(this.queues.queue(row.queue), timeout, 'open queue');
    const jobId = outboxJobId(row.id);
    if (row.dispatched_at && (await this.stillQueued(queue, jobId, timeout))) return;
    // a duplicate jobId is ignored by BullMQ, so a pass whose commit failed after the add is harmless
    await withTimeout(
      queue.add(row.name, { ...row.payload, outboxId: row.id }, { jobId }),
      timeout,
      'add job',
    );
  }

  /** For a re-dispatch: true when the existing job will run (again) without a new add. */
  private async stillQueued(queue: AppQueue, jobId: string, timeout: number): Promise<boolean> {
    const job = await withTimeout(queue.getJob(jobId), timeout, 'get job');
    if (!job) return false;
    const state = await withTimeout(job.getState(), timeout, 'get job state');
    switch (state) {
      case 'failed':
        // retries exhausted: the row is undone, so try again (the handler is idempotent)
        await withTimeout(job.retry('failed'), timeout, 'retry job');
        return true;
      case 'completed':
        // the job finished but the row was never completed (e.g. crash in between): run it again
        await withTimeout(job.remove(), timeout, 'remove job');
        return false;
      case 'unknown':
        return false;
      default:
        return true; // waiting, delayed, active, prioritized, waiting-children
    }
  }
}
