import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { GENESIS_HASH } from '../src/modules/audit/audit-hash.js';
import { AuditModule } from '../src/modules/audit/audit.module.js';
import { AuditService, type AuditInput } from '../src/modules/audit/audit.service.js';
import { buildDataSourceOptions } from '../src/database/data-source.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

interface Row {
  id: string;
  prev_hash: string;
  hash: string;
  action: string;
}

describe('AuditService (PostgreSQL, app role)', () => {
  let db: TestDatabase;
  let owner: pg.Client;
  let moduleRef: TestingModule;
  let audit: AuditService;
  let dataSource: DataSource;

  const event = (action = 'case.read', entityId = '1'): AuditInput => ({
    actorType: 'staff',
    actorId: randomUUID(),
    organisationId: randomUUID(),
    action,
    entityType: 'case',
    entityId,
  });
  const rows = async () =>
    (
      await owner.query<Row>(
        `SELECT id::text, prev_hash, hash, action FROM audit_event ORDER BY audit_event.id`,
      )
    ).rows;
  /** Tampering needs the owner to switch the append-only trigger off: exactly what verify must catch. */
  const asOwnerWithoutTrigger = async (sql: string, params: unknown[]) => {
    await owner.query(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
    try {
      await owner.query(sql, params);
    } finally {
      await owner.query(`ALTER TABLE audit_event ENABLE TRIGGER USER`);
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('audit');
    owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    moduleRef = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot(buildDataSourceOptions(db.appUrl, 20)), AuditModule],
    }).compile();
    await moduleRef.init();
    audit = moduleRef.get(AuditService);
    dataSource = moduleRef.get(DataSource);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await owner?.end();
    await db?.drop();
  });

  it('keeps one linear chain under 50 concurrent transactions', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        dataSource.transaction(async (m) => {
          await m.query(`SELECT 1`); // the transaction is already under way when it audits
          await audit.record(m, event('case.update', String(i)));
        }),
      ),
    );
    const chain = await rows();
    expect(chain).toHaveLength(50);
    expect(chain[0].prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < chain.length; i++) expect(chain[i].prev_hash).toBe(chain[i - 1].hash);
    expect(new Set(chain.map((r) => r.prev_hash)).size).toBe(50);
    expect(await audit.verify({ batchSize: 7 })).toEqual({ ok: true, checked: 50, head: chain[49].hash });
  });

  it('leaves nothing behind when the audited transaction rolls back', async () => {
    await expect(
      dataSource.transaction(async (m) => {
        await audit.record(m, event('case.rolled_back'));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await rows()).filter((r) => r.action === 'case.rolled_back')).toEqual([]);
    await audit.recordNow(event('case.read'));
    // the id sequence now has a gap; the chain does not care
    expect(await audit.verify({ batchSize: 7 })).toMatchObject({ ok: true, checked: 51 });
  });

  it('stores uuids as PostgreSQL spells them, so upper-case input still verifies', async () => {
    await audit.recordNow({ ...event(), actorId: randomUUID().toUpperCase(), organisationId: null });
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 52 });
  });

  it('refuses record() outside a transaction, and content-like values', async () => {
    await expect(audit.record(dataSource.manager, event())).rejects.toThrow(/inside the transaction/);
    await expect(audit.recordNow({ ...event(), action: 'viewed the case of Amal Y.' })).rejects.toThrow(
      /action/,
    );
    await expect(audit.recordNow({ ...event(), entityId: 'amal@example.org' })).rejects.toThrow(/entityId/);
    await expect(audit.recordNow({ ...event(), actorId: 'not-a-uuid' })).rejects.toThrow(/actorId/);
    await expect(dataSource.transaction('REPEATABLE READ', (m) => audit.record(m, event()))).rejects.toThrow(
      /READ COMMITTED/,
    );
    expect(await rows()).toHaveLength(52);
  });

  it('denies the app role UPDATE, DELETE and TRUNCATE on audit rows', async () => {
    for (const sql of [
      `UPDATE audit_event SET action = 'x'`,
      `DELETE FROM audit_event`,
      `TRUNCATE audit_event`,
    ]) {
      await expect(dataSource.query(sql)).rejects.toMatchObject({ code: '42501' });
    }
    // and the trigger refuses even the owner
    await expect(owner.query(`DELETE FROM audit_event`)).rejects.toThrow(/append-only/);
  });

  it('names exactly the row whose content was changed', async () => {
    const target = (await rows())[20];
    await asOwnerWithoutTrigger(`UPDATE audit_event SET action = 'case.nothing_to_see' WHERE id = $1`, [
      target.id,
    ]);
    expect(await audit.verify({ batchSize: 7 })).toEqual({
      ok: false,
      checked: 21,
      firstBrokenId: target.id,
      reason: 'hash_mismatch',
    });
    await asOwnerWithoutTrigger(`UPDATE audit_event SET action = $2 WHERE id = $1`, [
      target.id,
      target.action,
    ]);
    expect(await audit.verify()).toMatchObject({ ok: true });
  });

  it('names the row after a deleted one', async () => {
    const chain = await rows();
    await asOwnerWithoutTrigger(`DELETE FROM audit_event WHERE id = $1`, [chain[30].id]);
    expect(await audit.verify({ batchSize: 7 })).toEqual({
      ok: false,
      checked: 31,
      firstBrokenId: chain[31].id,
      reason: 'prev_hash_mismatch',
    });
  });

  it('reports and logs the head', async () => {
    const last = (await rows()).at(-1)!;
    const head = await audit.head();
    expect(head).toMatchObject({ id: last.id, hash: last.hash });
    expect(head?.occurredAt).toBeInstanceOf(Date);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      await audit.logHead();
      expect(log).toHaveBeenCalledWith(`audit head id=${last.id} hash=${last.hash}`);
    } finally {
      log.mockRestore();
    }
  });
});
