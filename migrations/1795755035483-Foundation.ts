import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795755035483 implements MigrationInterface {
  name = 'Foundation1795755035483';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_event" ("id" BIGSERIAL NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_type" text NOT NULL, "actor_id" uuid, "organisation_id" uuid, "action" text NOT NULL, "entity_type" text, "entity_id" text, "prev_hash" text NOT NULL, "hash" text NOT NULL, CONSTRAINT "PK_481efbe8b0a403efe3f47a6528f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_audit_entity" ON "audit_event"  ("entity_type", "entity_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_audit_prev_hash" ON "audit_event"  ("prev_hash") `);
    await queryRunner.query(
      `CREATE TABLE "login_throttle" ("key_hash" text NOT NULL, "failures" integer NOT NULL DEFAULT '0', "blocked_until" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_58297e0a1c374c7c17bd4b74521" PRIMARY KEY ("key_hash"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "organisation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "code" text NOT NULL, "kind" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "disabled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_6a3122daf3cb06cb4f1f87ae642" UNIQUE ("code"), CONSTRAINT "PK_c725ae234ef1b74cce43d2d00c1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "staff_session" ("token_hash" text NOT NULL, "user_id" uuid NOT NULL, "mfa_passed" boolean NOT NULL DEFAULT false, "csrf_token" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "pending_totp_secret" bytea, CONSTRAINT "PK_bd04302ff5686f90da181a7176d" PRIMARY KEY ("token_hash"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_staff_session_user" ON "staff_session"  ("user_id") `);
    await queryRunner.query(
      `CREATE TABLE "staff_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "organisation_id" uuid NOT NULL, "email" text NOT NULL, "display_name" text NOT NULL, "role" text NOT NULL, "password_hash" text NOT NULL, "must_change_password" boolean NOT NULL DEFAULT false, "password_changed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "totp_secret" bytea, "totp_enabled_at" TIMESTAMP WITH TIME ZONE, "totp_last_step" bigint, "recovery_codes" jsonb NOT NULL, "data_key_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "disabled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_cec9365d9fc3a3409158b645f2e" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_staff_user_email" ON "staff_user"  ("email") `);
    await queryRunner.query(
      `CREATE TABLE "data_key" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "master_key_id" text NOT NULL, "wrapped" bytea, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "destroyed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_df6562f57388f8dee7e00ad1b5c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "outbox_message" ("id" BIGSERIAL NOT NULL, "queue" text NOT NULL, "name" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "available_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "dispatched_at" TIMESTAMP WITH TIME ZONE, "dispatch_count" integer NOT NULL DEFAULT '0', "completed_at" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_2f36ee5236f2793f3e7bd554589" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_outbox_pending" ON "outbox_message"  ("created_at") WHERE completed_at IS NULL AND cancelled_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "setting" ("key" text NOT NULL, "value" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_by" uuid, CONSTRAINT "PK_1c4c95d773004250c157a744d6e" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "staff_user" ADD CONSTRAINT "FK_06d26a49664f0af66667df0cb05" FOREIGN KEY ("organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "staff_user" DROP CONSTRAINT "FK_06d26a49664f0af66667df0cb05"`);
    await queryRunner.query(`DROP TABLE "setting"`);
    await queryRunner.query(`DROP INDEX "public"."ix_outbox_pending"`);
    await queryRunner.query(`DROP TABLE "outbox_message"`);
    await queryRunner.query(`DROP TABLE "data_key"`);
    await queryRunner.query(`DROP INDEX "public"."uq_staff_user_email"`);
    await queryRunner.query(`DROP TABLE "staff_user"`);
    await queryRunner.query(`DROP INDEX "public"."ix_staff_session_user"`);
    await queryRunner.query(`DROP TABLE "staff_session"`);
    await queryRunner.query(`DROP TABLE "organisation"`);
    await queryRunner.query(`DROP TABLE "login_throttle"`);
    await queryRunner.query(`DROP INDEX "public"."uq_audit_prev_hash"`);
    await queryRunner.query(`DROP INDEX "public"."ix_audit_entity"`);
    await queryRunner.query(`DROP TABLE "audit_event"`);
  }
}
