import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AutomaticReports1796524284785 implements MigrationInterface {
  name = 'AutomaticReports1796524284785';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "periodic_report" ADD "automatic" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "periodic_report" ALTER COLUMN "requested_by" DROP NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_periodic_report_automatic" ON "periodic_report"  ("period_code", "kind", "language") WHERE automatic`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_periodic_report_automatic"`);
    await queryRunner.query(`ALTER TABLE "periodic_report" ALTER COLUMN "requested_by" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "periodic_report" DROP COLUMN "automatic"`);
  }
}
