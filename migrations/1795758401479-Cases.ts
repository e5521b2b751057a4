import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Cases1795758401479 implements MigrationInterface {
  name = 'Cases1795758401479';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "case_counter" ("organisation_id" uuid NOT NULL, "year" integer NOT NULL, "last_seq" integer NOT NULL, CONSTRAINT "PK_844ff8dd81d986fc761ded3919a" PRIMARY KEY ("organisation_id", "year"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "case_file" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "reference" text NOT NULL, "status" text NOT NULL, "closure_reason" text, "assignees" uuid array NOT NULL DEFAULT '{}', "data_key_id" uuid NOT NULL, "grounds" text array NOT NULL DEFAULT '{}', "forms" text array NOT NULL DEFAULT '{}', "level" text, "life_area" text, "perpetrator_type" text, "district" text, "when_kind" text NOT NULL, "incident_date" date, "learned_on" date, "intersectional" boolean NOT NULL DEFAULT false, "outcome" text, "tags" text array NOT NULL DEFAULT '{}', "statistics_opt_out" boolean NOT NULL DEFAULT false, "deadline_due" date, "retention_until" date, "legal_hold_reason" text, "last_activity_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "first_response_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "erased_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL, CONSTRAINT "PK_911fb1b39fb664d0e88843036b9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_case_reference" ON "case_file"  ("reference") `);
    await queryRunner.query(`CREATE INDEX "ix_case_assignees" ON "case_file"  ("assignees") `);
    await queryRunner.query(
      `CREATE INDEX "ix_case_org_activity" ON "case_file"  ("organisation_id", "last_activity_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_case_org_status_activity" ON "case_file"  ("organisation_id", "status", "last_activity_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "case_entry" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "kind" text NOT NULL, "author_id" uuid, "visibility" text NOT NULL DEFAULT 'team', "meta" jsonb NOT NULL DEFAULT '{}', "body" bytea, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2264e07583fc659a744ccf84cdb" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_entry_case" ON "case_entry"  ("case_id", "at") `);
    await queryRunner.query(
      `CREATE TABLE "case_reminder" ("case_id" uuid NOT NULL, "due_date" date NOT NULL, "days_before" integer NOT NULL, "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_71298ae3c447935aa77cc3ede2d" PRIMARY KEY ("case_id", "due_date", "days_before"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "case_task" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "title" bytea NOT NULL, "due_date" date NOT NULL, "assignee_id" uuid, "done_at" TIMESTAMP WITH TIME ZONE, "overdue_notified_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_06ca77cf52ae5e6d862daf4ec23" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_task_case" ON "case_task"  ("case_id") `);
    await queryRunner.query(
      `CREATE INDEX "ix_case_task_due" ON "case_task"  ("organisation_id", "done_at", "due_date") `,
    );
    await queryRunner.query(
      `CREATE TABLE "incident" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "case_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5f90b28b0b8238d89ee8edcf96e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_incident_case" ON "incident"  ("case_id") `);
    await queryRunner.query(
      `CREATE TABLE "incident_report" ("report_id" uuid NOT NULL, "incident_id" uuid NOT NULL, "organisation_id" uuid NOT NULL, CONSTRAINT "PK_99c4ffbf75a66ef273a021a7a48" PRIMARY KEY ("report_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_incident_report_incident" ON "incident_report"  ("incident_id") `,
    );
    await queryRunner.query(`ALTER TABLE "report" ADD "closure_reason" text`);
    await queryRunner.query(
      `ALTER TABLE "case_entry" ADD CONSTRAINT "FK_1c6227c086d83d2203c0f71bf9f" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_task" ADD CONSTRAINT "FK_8dbe360f490d27733f9a2e6032d" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "incident" ADD CONSTRAINT "FK_df99578e357d5da098409a68f81" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "incident_report" ADD CONSTRAINT "FK_1fb672a833a9c07091dea7ba014" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "incident_report" DROP CONSTRAINT "FK_1fb672a833a9c07091dea7ba014"`);
    await queryRunner.query(`ALTER TABLE "incident" DROP CONSTRAINT "FK_df99578e357d5da098409a68f81"`);
    await queryRunner.query(`ALTER TABLE "case_task" DROP CONSTRAINT "FK_8dbe360f490d27733f9a2e6032d"`);
    await queryRunner.query(`ALTER TABLE "case_entry" DROP CONSTRAINT "FK_1c6227c086d83d2203c0f71bf9f"`);
    await queryRunner.query(`ALTER TABLE "report" DROP COLUMN "closure_reason"`);
    await queryRunner.query(`DROP INDEX "public"."ix_incident_report_incident"`);
    await queryRunner.query(`DROP TABLE "incident_report"`);
    await queryRunner.query(`DROP INDEX "public"."ix_incident_case"`);
    await queryRunner.query(`DROP TABLE "incident"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_task_due"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_task_case"`);
    await queryRunner.query(`DROP TABLE "case_task"`);
    await queryRunner.query(`DROP TABLE "case_reminder"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_entry_case"`);
    await queryRunner.query(`DROP TABLE "case_entry"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_org_status_activity"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_org_activity"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_assignees"`);
    await queryRunner.query(`DROP INDEX "public"."uq_case_reference"`);
    await queryRunner.query(`DROP TABLE "case_file"`);
    await queryRunner.query(`DROP TABLE "case_counter"`);
  }
}
