import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Referrals1795760345665 implements MigrationInterface {
  name = 'Referrals1795760345665';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "partner_profile" ("organisation_id" uuid NOT NULL, "services" text array NOT NULL DEFAULT '{}', "languages" text array NOT NULL DEFAULT '{}', "districts" text array NOT NULL DEFAULT '{}', "accessibility" text array NOT NULL DEFAULT '{}', "opening_hours" text NOT NULL DEFAULT '', "description" text NOT NULL DEFAULT '', "phone" text NOT NULL DEFAULT '', "email" text NOT NULL DEFAULT '', "address" text NOT NULL DEFAULT '', "website" text NOT NULL DEFAULT '', "takes_referrals" boolean NOT NULL DEFAULT false, "capacity" text NOT NULL DEFAULT 'open', "published" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "PK_1624bdd858675de38e5729b16ec" PRIMARY KEY ("organisation_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "referral" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "case_id" uuid NOT NULL, "report_id" uuid NOT NULL, "from_organisation_id" uuid NOT NULL, "to_organisation_id" uuid NOT NULL, "service_type" text NOT NULL, "status" text NOT NULL DEFAULT 'draft', "summary" bytea, "shared_fields" text array NOT NULL DEFAULT '{}', "shared_data" bytea, "data_key_id" uuid NOT NULL, "decline_reason" text, "outcome" text, "feedback" bytea, "revoke_reason" text, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, "accepted_at" TIMESTAMP WITH TIME ZONE, "declined_at" TIMESTAMP WITH TIME ZONE, "completed_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "reminded_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL, CONSTRAINT "PK_a2d3e935a6591168066defec5ad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_referral_open" ON "referral"  ("case_id", "to_organisation_id", "service_type") WHERE status IN ('draft', 'sent', 'accepted')`,
    );
    await queryRunner.query(`CREATE INDEX "ix_referral_report" ON "referral"  ("report_id") `);
    await queryRunner.query(`CREATE INDEX "ix_referral_case" ON "referral"  ("case_id") `);
    await queryRunner.query(
      `CREATE INDEX "ix_referral_from_org" ON "referral"  ("from_organisation_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_referral_to_org" ON "referral"  ("to_organisation_id", "status", "created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_referral_to_org"`);
    await queryRunner.query(`DROP INDEX "public"."ix_referral_from_org"`);
    await queryRunner.query(`DROP INDEX "public"."ix_referral_case"`);
    await queryRunner.query(`DROP INDEX "public"."ix_referral_report"`);
    await queryRunner.query(`DROP INDEX "public"."uq_referral_open"`);
    await queryRunner.query(`DROP TABLE "referral"`);
    await queryRunner.query(`DROP TABLE "partner_profile"`);
  }
}
