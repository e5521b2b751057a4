import { createHash } from 'node:crypto';
import { GENESIS_HASH, auditHash, type AuditHashInput } from './audit-hash.js';

describe('auditHash', () => {
  const base: AuditHashInput = {
    prevHash: GENESIS_HASH,
    occurredAt: new Date('2026-03-01T10:15:30.123Z'),
    actorType: 'staff',
    actorId: '6f1c1c1e-5d7a-4a43-9a55-0d1f5b8f2a10',
    organisationId: null,
    action: 'case.read',
    entityType: 'case',
    entityId: '42',
  };

  it('is sha256 hex over the documented canonical form (stable across releases)', () => {
    const canonical = JSON.stringify([
      'audit/v1',
      GENESIS_HASH,
      '2026-03-01T10:15:30.123Z',
      'staff',
      '6f1c1c1e-5d7a-4a43-9a55-0d1f5b8f2a10',
      null,
      'case.read',
      'case',
      '42',
    ]);
    expect(auditHash(base)).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(auditHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it.each<[string, Partial<AuditHashInput>]>([
    ['prevHash', { prevHash: 'f'.repeat(64) }],
    ['occurredAt', { occurredAt: new Date('2026-03-01T10:15:30.124Z') }],
    ['actorType', { actorType: 'system' }],
    ['actorId', { actorId: null }],
    ['organisationId', { organisationId: '0f5e8c47-5c3e-4c38-8a0f-1c1e8d6e4b21' }],
    ['action', { action: 'case.update' }],
    ['entityType', { entityType: 'referral' }],
    ['entityId', { entityId: '43' }],
  ])('changes when %s changes', (_field, change) => {
    expect(auditHash({ ...base, ...change })).not.toBe(auditHash(base));
  });

  it('is unambiguous: shifting text between fields or null vs "null" changes the hash', () => {
    expect(auditHash({ ...base, action: 'case', entityType: '.read' })).not.toBe(
      auditHash({ ...base, action: 'case.', entityType: 'read' }),
    );
    expect(auditHash({ ...base, entityId: null })).not.toBe(auditHash({ ...base, entityId: 'null' }));
    expect(auditHash({ ...base, entityType: null, entityId: 'x' })).not.toBe(
      auditHash({ ...base, entityType: 'x', entityId: null }),
    );
  });
});
