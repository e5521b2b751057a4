import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Month parts of the statistics (src/modules/statistics/month-parts.ts): a release is the sum of its
 * months, so each month's tallies are kept under that month's data version and only changed months are
 * aggregated again. `units` and `detail` are JSON (codes and counts); the days to first response and to
 * closure of the month's counted cases are big-endian float8 values, ascending (for the medians). No
 * id, nothing that names or describes a case; internal only — published only through disclosure control.
 *
 * Two statistics indexes become covering (INCLUDE), so a month reads them index-only instead of
 * fetching every row from the heap: ix_case_uncounted gets organisation_id (the app reads case_file
 * under row-level security, whose filter needs it), so "the incidents and interventions of uncounted
 * cases" no longer read every uncounted case of the table; ix_report_created gets the columns a
 * month's reports are counted by. TypeORM cannot express INCLUDE: their @Index is `synchronize: false`.
 */
export class StatisticsMonthParts1796900000000 implements MigrationInterface {
  name = 'StatisticsMonthParts1796900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "statistics_month_part" (
         "month" date PRIMARY KEY,
         "code" text NOT NULL,
         "version" bigint NOT NULL,
         "units" text NOT NULL,
         "detail" text,
         "first_response_days" bytea,
         "closure_days" bytea,
         "computed_at" timestamptz NOT NULL DEFAULT now()
       )`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_case_uncounted"`);
    await queryRunner.query(
      `CREATE INDEX "ix_case_uncounted" ON "case_file" ("id") INCLUDE ("organisation_id") WHERE "statistics_opt_out" OR "closure_reason" IN ('duplicate', 'spam')`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_report_created"`);
    await queryRunner.query(
      `CREATE INDEX "ix_report_created" ON "report" ("created_at") INCLUDE ("statistics_opt_out", "closure_reason", "channel", "reporter_role", "life_area")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_report_created"`);
    await queryRunner.query(`CREATE INDEX "ix_report_created" ON "report" ("created_at")`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_uncounted"`);
    await queryRunner.query(
      `CREATE INDEX "ix_case_uncounted" ON "case_file" ("id") WHERE "statistics_opt_out" OR "closure_reason" IN ('duplicate', 'spam')`,
    );
    await queryRunner.query(`DROP TABLE "statistics_month_part"`);
  }
}
