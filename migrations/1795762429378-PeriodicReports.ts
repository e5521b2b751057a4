import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PeriodicReports1795762429378 implements MigrationInterface {
  name = 'PeriodicReports1795762429378';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "periodic_report" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "period_code" text NOT NULL, "kind" text NOT NULL, "language" text NOT NULL, "status" text NOT NULL DEFAULT 'queued', "error" text, "pdf" bytea, "sha256" text, "attempts" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, "requested_by" uuid NOT NULL, CONSTRAINT "PK_2e56a1918604da85808952cd667" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_periodic_report_created" ON "periodic_report"  ("created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_periodic_report_created"`);
    await queryRunner.query(`DROP TABLE "periodic_report"`);
  }
}
