import { Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type EntityManager, type Repository } from 'typeorm';
import { MetricsService } from '../health/metrics.service.js';
import { QueueService, withTimeout } from '../queue/queue.service.js';
import { OutboxMessageEntity } from './entities/outbox-message.entity.js';
import { OutboxError } from './outbox.errors.js';

export type OutboxPayload = Record<string, string | number | boolean | null>;

export interface OutboxMessage {
  queue: string;
  name: string;
  /** ids and codes only: the queue backend is not encrypted and keeps failed jobs for days */
  payload: OutboxPayload;
  availableAt?: Date;
}

/** What an outbox-backed processor receives. */
export interface OutboxJob {
  outboxId: string;
  payload: OutboxPayload;
  attemptsMade: number;
}
export type OutboxHandler = (job: OutboxJob) => Promise<void>;

/** A tiny tripwire, not a filter: keys that suggest personal data, and values that look like e-mail addresses. */
const PERSONAL_KEY = /e-?mail|phone|narrative|name|receipt/i;
const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/;

export const OUTBOX_MAINTENANCE_QUEUE = 'outbox';
const CLEANUP_JOB = 'cleanup';

@Injectable()
export class OutboxService implements OnModuleInit {
  private readonly logger = new Logger(OutboxService.name);

  constructor(
    @InjectRepository(OutboxMessageEntity) private readonly messages: Repository<OutboxMessageEntity>,
    private readonly queues: QueueService,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  onModuleInit(): void {
    // done rows are only history; keep a week for debugging
    this.queues.registerProcessor(OUTBOX_MAINTENANCE_QUEUE, CLEANUP_JOB, async () => {
      const result = await this.messages
        .createQueryBuilder()
        .delete()
        .where(`completed_at < now() - interval '7 days' OR cancelled_at < now() - interval '7 days'`)
        .execute();
      this.logger.log(`outbox cleanup removed ${result.affected ?? 0} done rows`);
    });
    this.queues.registerRepeatable(OUTBOX_MAINTENANCE_QUEUE, CLEANUP_JOB, '17 3 * * *');
    this.metrics?.gauge('anl_outbox_undone_messages', 'Outbox messages not yet completed or cancelled', () =>
      this.countUndone(),
    );
  }

  /** Writes a message in the caller's transaction: it is relayed only if that transaction commits. */
  async enqueue(manager: EntityManager, msg: OutboxMessage): Promise<string> {
    const [id] = await this.enqueueMany(manager, [msg]);
    return id;
  }

  /** Several messages in one INSERT, in the caller's transaction; their ids in the given order. */
  async enqueueMany(manager: EntityManager, msgs: OutboxMessage[]): Promise<string[]> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new OutboxError(
        'errors.outbox.no_transaction',
        'enqueue() must run inside the transaction of the change',
      );
    }
    if (msgs.length === 0) return [];
    for (const msg of msgs) {
      for (const [key, value] of Object.entries(msg.payload)) {
        if (PERSONAL_KEY.test(key) || (typeof value === 'string' && EMAIL_LIKE.test(value))) {
          throw new OutboxError(
            'errors.outbox.personal_data',
            `payload key "${key}" looks like personal data; outbox payloads carry ids only`,
          );
        }
      }
    }
    const result = await manager.getRepository(OutboxMessageEntity).insert(
      msgs.map((msg) => ({
        queue: msg.queue,
        name: msg.name,
        payload: msg.payload,
        ...(msg.availableAt ? { availableAt: msg.availableAt } : {}),
      })),
    );
    return result.identifiers.map((i) => String(i.id));
  }

  /**
   * Cancels undone messages whose payload contains payloadMatch (e.g. on withdrawn consent) and
   * removes their queued jobs best-effort; a job that still runs is skipped by the completion wrapper.
   */
  async cancel(
    manager: EntityManager,
    where: { queue: string; name?: string; payloadMatch: Record<string, string> },
  ): Promise<number> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new OutboxError(
        'errors.outbox.no_transaction',
        'cancel() must run inside the transaction of the change',
      );
    }
    const qb = manager
      .getRepository(OutboxMessageEntity)
      .createQueryBuilder()
      .update()
      .set({ cancelledAt: () => 'now()' })
      .where(
        'queue = :queue AND payload @> CAST(:match AS jsonb) AND completed_at IS NULL AND cancelled_at IS NULL',
        {
          queue: where.queue,
          match: JSON.stringify(where.payloadMatch),
        },
      )
      .returning('id');
    if (where.name !== undefined) qb.andWhere('name = :name', { name: where.name });
    const result = await qb.execute();
    const ids = (result.raw as { id: string }[]).map((r) => String(r.id));
    // not awaited: the caller's transaction must not wait on Redis
    if (ids.length > 0) void this.removeJobs(where.queue, ids);
    return ids.length;
  }

  /**
   * Registers a processor for outbox messages: it runs only for undone, uncancelled rows, and the
   * row is completed only after the handler succeeded. Delivery is at least once: the handler
   * must be idempotent (outboxId is the natural idempotency key).
   */
  registerHandler(queue: string, name: string, handler: OutboxHandler): void {
    this.queues.registerProcessor(queue, name, async (job) => {
      const { outboxId, ...payload } = job.data;
      const id = String(outboxId);
      if (!/^\d+$/.test(id)) throw new Error(`job ${job.id} on ${queue} carries no outbox id`);
      const row = await this.messages.findOne({
        where: { id },
        select: { id: true, completedAt: true, cancelledAt: true },
      });
      if (!row || row.completedAt || row.cancelledAt) return;
      await handler({ outboxId: id, payload: payload as OutboxPayload, attemptsMade: job.attemptsMade });
      await this.messages.update({ id, completedAt: IsNull() }, { completedAt: () => 'now()' });
    });
  }

  countUndone(): Promise<number> {
    return this.messages.count({ where: { completedAt: IsNull(), cancelledAt: IsNull() } });
  }

  private async removeJobs(queueName: string, ids: string[]): Promise<void> {
    try {
      const queue = await this.queues.queue(queueName);
      for (const id of ids) {
        await withTimeout(queue.remove(`ob-${id}`), this.queues.commandTimeoutMs, 'remove job');
      }
    } catch (e) {
      this.logger.warn(`could not remove cancelled jobs from ${queueName}: ${(e as Error).message}`);
    }
  }
}
