import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Intake1795756941712 implements MigrationInterface {
  name = 'Intake1795756941712';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "installation_secret" ("name" text NOT NULL, "value" bytea NOT NULL, CONSTRAINT "PK_68738e81ee27ea4869261389ec9" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "intake_draft_file" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "draft_hash" text NOT NULL, "data_key_id" uuid NOT NULL, "kind" text NOT NULL, "mime" text NOT NULL, "size" integer NOT NULL, "data" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_77713819b1301f3887a8c601b2c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_intake_draft_token" ON "intake_draft_file"  ("draft_hash") `);
    await queryRunner.query(
      `CREATE TABLE "report" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "receiving_organisation_id" uuid NOT NULL, "channel" text NOT NULL, "reporter_role" text NOT NULL, "entered_by" uuid, "data_key_id" uuid NOT NULL, "content" bytea NOT NULL, "contact" bytea, "contact_channel" text NOT NULL, "preferred_language" text NOT NULL, "when_kind" text NOT NULL, "incident_date" date, "district" text NOT NULL, "grounds" text array NOT NULL, "life_area" text NOT NULL, "support_wishes" text array NOT NULL, "status" text NOT NULL DEFAULT 'new', "receipt_hash" text NOT NULL, "idempotency_hash" text, "receipt_replay" bytea, "receipt_replay_until" TIMESTAMP WITH TIME ZONE, "statistics_opt_out" boolean NOT NULL DEFAULT false, "deletion_requested_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "erased_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_feee866368f8c6fc063332c20d5" UNIQUE ("receipt_hash"), CONSTRAINT "UQ_67206d12ca196d39b8048ef098c" UNIQUE ("idempotency_hash"), CONSTRAINT "PK_99e4d0bea58cba73c57f935a546" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_report_inbox" ON "report"  ("receiving_organisation_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "mailbox_session" ("token_hash" text NOT NULL, "report_id" uuid NOT NULL, "csrf_token" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_04acb5f022a0225029f09769527" PRIMARY KEY ("token_hash"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_mailbox_session_report" ON "mailbox_session"  ("report_id") `);
    await queryRunner.query(
      `CREATE TABLE "report_message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "report_id" uuid NOT NULL, "direction" text NOT NULL, "author_id" uuid, "body" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "read_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ab891879b77308d28dc0306fb30" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_report_message_report" ON "report_message"  ("report_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "report_attachment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "report_id" uuid NOT NULL, "message_id" uuid, "kind" text NOT NULL, "mime" text NOT NULL, "size" integer NOT NULL, "data" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0e5e0eca753a0c7e367a1249dfc" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_report_attachment_report" ON "report_attachment"  ("report_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "report_consent" ("id" BIGSERIAL NOT NULL, "report_id" uuid NOT NULL, "purpose" text NOT NULL, "action" text NOT NULL, "form" text NOT NULL, "recorded_by" uuid, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_68911bc081dae4cf640878b286b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_report_consent_report" ON "report_consent"  ("report_id", "purpose", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "report" ADD CONSTRAINT "FK_72690540c25462584e84d05fc77" FOREIGN KEY ("receiving_organisation_id") REFERENCES "organisation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "mailbox_session" ADD CONSTRAINT "FK_3bad8894b43bacec48c1f28e6b2" FOREIGN KEY ("report_id") REFERENCES "report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_message" ADD CONSTRAINT "FK_8e73b1b7af50c3eabde1cf641bf" FOREIGN KEY ("report_id") REFERENCES "report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_attachment" ADD CONSTRAINT "FK_2e7020b832424fe6ee6f3f6c9f2" FOREIGN KEY ("report_id") REFERENCES "report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_attachment" ADD CONSTRAINT "FK_f637bc1876f39e2163ea0046850" FOREIGN KEY ("message_id") REFERENCES "report_message"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_consent" ADD CONSTRAINT "FK_c64bf3d9c6084d1a8a278704b9d" FOREIGN KEY ("report_id") REFERENCES "report"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "report_consent" DROP CONSTRAINT "FK_c64bf3d9c6084d1a8a278704b9d"`);
    await queryRunner.query(
      `ALTER TABLE "report_attachment" DROP CONSTRAINT "FK_f637bc1876f39e2163ea0046850"`,
    );
    await queryRunner.query(
      `ALTER TABLE "report_attachment" DROP CONSTRAINT "FK_2e7020b832424fe6ee6f3f6c9f2"`,
    );
    await queryRunner.query(`ALTER TABLE "report_message" DROP CONSTRAINT "FK_8e73b1b7af50c3eabde1cf641bf"`);
    await queryRunner.query(`ALTER TABLE "mailbox_session" DROP CONSTRAINT "FK_3bad8894b43bacec48c1f28e6b2"`);
    await queryRunner.query(`ALTER TABLE "report" DROP CONSTRAINT "FK_72690540c25462584e84d05fc77"`);
    await queryRunner.query(`DROP INDEX "public"."ix_report_consent_report"`);
    await queryRunner.query(`DROP TABLE "report_consent"`);
    await queryRunner.query(`DROP INDEX "public"."ix_report_attachment_report"`);
    await queryRunner.query(`DROP TABLE "report_attachment"`);
    await queryRunner.query(`DROP INDEX "public"."ix_report_message_report"`);
    await queryRunner.query(`DROP TABLE "report_message"`);
    await queryRunner.query(`DROP INDEX "public"."ix_mailbox_session_report"`);
    await queryRunner.query(`DROP TABLE "mailbox_session"`);
    await queryRunner.query(`DROP INDEX "public"."ix_report_inbox"`);
    await queryRunner.query(`DROP TABLE "report"`);
    await queryRunner.query(`DROP INDEX "public"."ix_intake_draft_token"`);
    await queryRunner.query(`DROP TABLE "intake_draft_file"`);
    await queryRunner.query(`DROP TABLE "installation_secret"`);
  }
}
