import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail is append-only for everyone: a trigger refuses UPDATE, DELETE and TRUNCATE, and the
 * app role is never granted them either (src/database/roles.ts). Only a database owner who drops
 * the trigger could rewrite history, and then the hash chain (audit:verify) and the daily head hash
 * in the log show it.
 */
export class AuditAppendOnly1795755100000 implements MigrationInterface {
  name = 'AuditAppendOnly1795755100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()`,
    );
    await queryRunner.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER audit_event_no_truncate ON audit_event`);
    await queryRunner.query(`DROP TRIGGER audit_event_no_update ON audit_event`);
    await queryRunner.query(`DROP FUNCTION audit_event_append_only()`);
  }
}
