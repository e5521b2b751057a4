import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, type EntityManager, type Repository } from 'typeorm';
import { GENESIS_HASH, auditHash } from './audit-hash.js';
import { AuditEventEntity, type AuditActorType } from './entities/audit-event.entity.js';

/** Who did what to which object. Never content: no names, texts or field values. */
export interface AuditInput {
  actorType: AuditActorType;
  actorId?: string | null;
  organisationId?: string | null;
  action: string;
  entityType?: string | null;
  entityId?: string | null;
}

/** prev_hash_mismatch: the row before is missing, was altered together with its hash, or rows were reordered. */
export type AuditBreak = 'hash_mismatch' | 'prev_hash_mismatch';

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  /** hash of the last row when the whole chain verified */
  head?: string;
  firstBrokenId?: string;
  reason?: AuditBreak;
}

export interface AuditHead {
  id: string;
  hash: string;
  occurredAt: Date;
}

/** Serialises appends so the chain never forks. Reserved for this purpose across the code base. */
const CHAIN_LOCK_KEY = '7041980001';
const ACTOR_TYPES: readonly AuditActorType[] = ['staff', 'reporter', 'system'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// names, not content: a free-text value here would be a leak into a table nobody can ever clean
const NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;
const ENTITY_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(@InjectRepository(AuditEventEntity) private readonly events: Repository<AuditEventEntity>) {}

  /**
   * Appends inside the caller's transaction, so the entry commits or rolls back with the change it
   * records. Requires READ COMMITTED (the default): under a snapshot taken before the lock, the last
   * row read here could be stale and the chain would fork.
   */
  async record(manager: EntityManager, input: AuditInput): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('AuditService.record must run inside the transaction of the change it records');
    }
    const event = normalise(input);
    const [{ isolation }] = (await manager.query(
      `SELECT pg_advisory_xact_lock($1::bigint), current_setting('transaction_isolation') AS isolation`,
      [CHAIN_LOCK_KEY],
    )) as { isolation: string }[];
    if (isolation !== 'read committed') {
      throw new Error(`AuditService.record needs READ COMMITTED, the transaction is ${isolation}`);
    }
    // plain statements: this runs in nearly every transaction, under the chain's lock
    const [last] = (await manager.query(`SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1`)) as {
      hash: string;
    }[];
    // taken under the lock, so occurred_at follows the chain order within one clock
    const row = { ...event, prevHash: last?.hash ?? GENESIS_HASH, occurredAt: new Date() };
    await manager.query(
      `INSERT INTO audit_event (occurred_at, actor_type, actor_id, organisation_id, action, entity_type,
         entity_id, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        row.occurredAt,
        row.actorType,
        row.actorId,
        row.organisationId,
        row.action,
        row.entityType,
        row.entityId,
        row.prevHash,
        auditHash(row),
      ],
    );
  }

  /** For reads: its own short transaction, awaited before the response is sent. */
  async recordNow(input: AuditInput): Promise<void> {
    await this.events.manager.transaction((manager) => this.record(manager, input));
  }

  /** Recomputes the chain in id order, in keyset batches, and stops at the first broken row. */
  async verify(opts: { batchSize?: number } = {}): Promise<AuditVerifyResult> {
    const batchSize = opts.batchSize ?? 1000;
    let expectedPrev = GENESIS_HASH;
    let checked = 0;
    let after: string | undefined;
    for (;;) {
      const rows = await this.events.find({
        where: after === undefined ? {} : { id: MoreThan(after) },
        order: { id: 'ASC' },
        take: batchSize,
      });
      if (rows.length === 0) break;
      for (const row of rows) {
        checked++;
        if (row.prevHash !== expectedPrev) {
          return { ok: false, checked, firstBrokenId: row.id, reason: 'prev_hash_mismatch' };
        }
        if (auditHash(row) !== row.hash)
          return { ok: false, checked, firstBrokenId: row.id, reason: 'hash_mismatch' };
        expectedPrev = row.hash;
      }
      after = rows[rows.length - 1].id;
    }
    return { ok: true, checked, head: checked > 0 ? expectedPrev : undefined };
  }

  /** Who did what with one object, newest first (the access log admins see on a case). */
  async eventsFor(entityType: string, entityId: string, limit = 200): Promise<AuditEventEntity[]> {
    return this.events.find({ where: { entityType, entityId }, order: { id: 'DESC' }, take: limit });
  }

  async head(): Promise<AuditHead | null> {
    const [last] = await this.events.find({
      select: { id: true, hash: true, occurredAt: true },
      order: { id: 'DESC' },
      take: 1,
    });
    return last ? { id: last.id, hash: last.hash, occurredAt: last.occurredAt } : null;
  }

  /** A daily line in the log: truncating the newest rows cannot hide behind a head kept elsewhere. */
  async logHead(): Promise<void> {
    const head = await this.head();
    this.logger.log(head ? `audit head id=${head.id} hash=${head.hash}` : 'audit head id=none (empty trail)');
  }
}

function normalise(input: AuditInput): Omit<AuditEventEntity, 'id' | 'occurredAt' | 'prevHash' | 'hash'> {
  if (!ACTOR_TYPES.includes(input.actorType)) throw new Error(`audit: unknown actorType ${input.actorType}`);
  if (!NAME.test(input.action)) throw new Error('audit: action must be a short identifier, never content');
  if (input.entityType != null && !NAME.test(input.entityType)) {
    throw new Error('audit: entityType must be a short identifier');
  }
  if (input.entityId != null && !ENTITY_ID.test(input.entityId)) {
    throw new Error('audit: entityId must be an identifier, never content');
  }
  return {
    actorType: input.actorType,
    actorId: uuidOrNull(input.actorId, 'actorId'),
    organisationId: uuidOrNull(input.organisationId, 'organisationId'),
    action: input.action,
    entityType: input.entityType ?? null,
    entityId: input.entityId ?? null,
  };
}

/** PostgreSQL stores uuids in lower case; hashing any other spelling would fail verification later. */
function uuidOrNull(value: string | null | undefined, field: string): string | null {
  if (value == null) return null;
  if (!UUID.test(value)) throw new Error(`audit: ${field} must be a uuid`);
  return value.toLowerCase();
}
