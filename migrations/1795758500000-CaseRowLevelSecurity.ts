import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['case_file', 'incident', 'incident_report', 'case_entry', 'case_task', 'case_counter'];

/**
 * Defence in depth under the service layer's own checks: the restricted app role sees case rows only
 * of the organisation named in the transaction setting `anl.organisation_id` (set by the cases
 * service at the start of every transaction), or all rows in a transaction that declared
 * `anl.scope = 'system'` (retention, reminders). A query that forgets its organisation filter returns
 * nothing instead of another organisation's cases. The owner role (migrations) is not subject to it.
 */
export class CaseRowLevelSecurity1795758500000 implements MigrationInterface {
  name = 'CaseRowLevelSecurity1795758500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`);
      await queryRunner.query(
        `CREATE POLICY "${table}_by_organisation" ON "${table}"
           USING (organisation_id::text = current_setting('anl.organisation_id', true) OR current_setting('anl.scope', true) = 'system')
           WITH CHECK (organisation_id::text = current_setting('anl.organisation_id', true) OR current_setting('anl.scope', true) = 'system')`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(`DROP POLICY "${table}_by_organisation" ON "${table}"`);
      await queryRunner.query(`ALTER TABLE "${table}" DISABLE ROW LEVEL SECURITY`);
    }
  }
}
