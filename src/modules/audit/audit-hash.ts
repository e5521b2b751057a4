import { createHash } from 'node:crypto';
import type { AuditActorType } from './entities/audit-event.entity.js';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditHashInput {
  prevHash: string;
  occurredAt: Date;
  actorType: AuditActorType;
  actorId: string | null;
  organisationId: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
}

/**
 * sha256 (hex) over a JSON array of the fields in a fixed order: JSON escapes every string and keeps
 * null apart from "null", so no two different rows serialise alike. Changing this breaks every
 * existing chain: a new format needs a new version tag, not an edit.
 */
export function auditHash(e: AuditHashInput): string {
  const canonical = JSON.stringify([
    'audit/v1',
    e.prevHash,
    e.occurredAt.toISOString(),
    e.actorType,
    e.actorId,
    e.organisationId,
    e.action,
    e.entityType,
    e.entityId,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
