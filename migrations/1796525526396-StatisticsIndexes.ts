import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the statistics (src/modules/statistics): every figure of a period selects the reports,
 * cases, incidents and intervention entries *created in that period*, across all organisations. Without
 * these, each of the dashboard's queries read the whole table (a million cases: seconds per page). Rows
 * are inserted roughly in creation order, so a period is a contiguous range of the heap. The
 * intervention index is partial (only `kind = 'intervention'` entries are counted), and so is
 * ix_case_uncounted: the few cases that never count (opted out, closed as duplicate or spam), which lets
 * incidents and interventions be counted as "all of the period minus those of an uncounted case"
 * without joining every case (its predicate must match CASE_UNCOUNTED in statistics.service.ts).
 * TypeORM cannot express partial indexes, so their @Index is declared `synchronize: false`.
 */
export class StatisticsIndexes1796525526396 implements MigrationInterface {
  name = 'StatisticsIndexes1796525526396';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_report_created" ON "report"  ("created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_case_created" ON "case_file"  ("created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_incident_created" ON "incident"  ("created_at") `);
    await queryRunner.query(
      `CREATE INDEX "ix_case_entry_intervention_at" ON "case_entry" ("at") WHERE "kind" = 'intervention'`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_case_uncounted" ON "case_file" ("id") WHERE "statistics_opt_out" OR "closure_reason" IN ('duplicate', 'spam')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_case_uncounted"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_entry_intervention_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_incident_created"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_created"`);
    await queryRunner.query(`DROP INDEX "public"."ix_report_created"`);
  }
}
