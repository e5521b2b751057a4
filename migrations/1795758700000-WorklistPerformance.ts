import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['case_file', 'incident', 'incident_report', 'case_entry', 'case_task', 'case_counter'];

/** the policy of CaseRowLevelSecurity, for down() */
const OLD_POLICY = `organisation_id::text = current_setting('anl.organisation_id', true) OR current_setting('anl.scope', true) = 'system'`;

/**
 * The same rule, index- and planner-friendly: the setting is read once per statement (an InitPlan,
 * not a function call per row) and compared with the column as a uuid (no cast on the column). A value
 * that is not a lower-case uuid — unset, '' after the transaction that set it, anything else — matches
 * no row, exactly as `organisation_id::text = …` did. The old form also misled the planner (it guessed
 * 0.5 % of the rows for the cast comparison) into bitmap scans plus sorts over all open cases.
 */
const NEW_POLICY = `organisation_id = (SELECT CASE WHEN s ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN s::uuid END FROM current_setting('anl.organisation_id', true) AS s) OR (SELECT current_setting('anl.scope', true) = 'system')`;

/**
 * Work lists on a million cases under row-level security (src/modules/cases/worklists).
 *
 * Under a policy, PostgreSQL uses only leakproof operators as index conditions; the array operators
 * (`@>`, `&&`) are not leakproof, so the GIN indexes are of no use to the restricted app role. The
 * work lists therefore walk btree indexes and test arrays with `x = ANY(array)` on the index entry:
 * partial indexes over the live (not erased) cases, the open-case ones covering what the lists and
 * their counts read, so that a page's ids and every capped count are index-only scans.
 */
export class WorklistPerformance1795758700000 implements MigrationInterface {
  name = 'WorklistPerformance1795758700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES)
      await queryRunner.query(
        `ALTER POLICY "${table}_by_organisation" ON "${table}" USING (${NEW_POLICY}) WITH CHECK (${NEW_POLICY})`,
      );
    // open cases by activity: mine, unassigned, waiting for a partner (pages and counts)
    await queryRunner.query(
      `CREATE INDEX "ix_case_open_activity" ON "case_file" ("organisation_id", "last_activity_at", "id") INCLUDE ("status", "assignees", "deadline_due", "life_area", "grounds") WHERE erased_at IS NULL AND status <> 'closed'`,
    );
    // open cases by deadline: due this week, overdue, any open list sorted by deadline
    await queryRunner.query(
      `CREATE INDEX "ix_case_open_deadline" ON "case_file" ("organisation_id", "deadline_due", "id") INCLUDE ("status", "assignees", "life_area", "grounds", "last_activity_at") WHERE erased_at IS NULL AND status <> 'closed'`,
    );
    // open cases by the commonest filters: status and life area (and waiting for a partner)
    await queryRunner.query(
      `CREATE INDEX "ix_case_open_status_area" ON "case_file" ("organisation_id", "status", "life_area") INCLUDE ("assignees", "grounds", "deadline_due", "last_activity_at", "id") WHERE erased_at IS NULL AND status <> 'closed'`,
    );
    // the unassigned open cases (the triage queue), a small index of its own
    await queryRunner.query(
      `CREATE INDEX "ix_case_open_unassigned" ON "case_file" ("organisation_id", "last_activity_at", "id") WHERE erased_at IS NULL AND status <> 'closed' AND assignees = '{}'::uuid[]`,
    );
    // open cases by id: the cases of the open tasks in the due lists, checked without the heap
    await queryRunner.query(
      `CREATE INDEX "ix_case_open_id" ON "case_file" ("organisation_id", "id") INCLUDE ("deadline_due") WHERE erased_at IS NULL AND status <> 'closed'`,
    );
    // every live case by activity: all, recently updated (pages and counts)
    await queryRunner.query(
      `CREATE INDEX "ix_case_live_activity" ON "case_file" ("organisation_id", "last_activity_at", "id") WHERE erased_at IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_case_live_activity"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_open_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_open_unassigned"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_open_status_area"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_open_deadline"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_open_activity"`);
    for (const table of TABLES)
      await queryRunner.query(
        `ALTER POLICY "${table}_by_organisation" ON "${table}" USING (${OLD_POLICY}) WITH CHECK (${OLD_POLICY})`,
      );
  }
}
