import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the work lists (src/modules/cases/worklists). Keyset pagination walks one index per
 * sort order, always with the organisation first; array filters (assignee, ground, tag) use GIN.
 * The reference index is on `reference COLLATE "C"` so that a prefix search is a range scan whatever
 * the database collation; TypeORM cannot express that, so its @Index is declared `synchronize: false`.
 */
export class WorklistIndexes1795758650000 implements MigrationInterface {
  name = 'WorklistIndexes1795758650000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_case_org_deadline" ON "case_file" ("organisation_id", "deadline_due", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_case_org_created" ON "case_file" ("organisation_id", "created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_case_org_reference" ON "case_file" ("organisation_id", "reference" COLLATE "C")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_assignees_gin" ON "case_file" USING gin ("assignees")`);
    await queryRunner.query(`CREATE INDEX "ix_case_grounds_gin" ON "case_file" USING gin ("grounds")`);
    await queryRunner.query(`CREATE INDEX "ix_case_tags_gin" ON "case_file" USING gin ("tags")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_case_tags_gin"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_grounds_gin"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_assignees_gin"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_org_reference"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_org_created"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_org_deadline"`);
  }
}
