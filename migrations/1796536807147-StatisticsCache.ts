import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A timestamp's Berlin calendar month (its first day): the unit the statistics change log records. */
const MONTH = (column: string): string => `date_trunc('month', ${column} AT TIME ZONE 'Europe/Berlin')::date`;

/**
 * What each counted table contributes to the statistics: the month a row is counted in, the rows that
 * count at all, and the columns the statistics read (an UPDATE that changes none of them — a case note,
 * a new assignee, a receipt read — leaves the statistics alone and records nothing).
 */
interface Counted {
  table: string;
  month: string;
  where?: string;
  columns: string[];
}
const COUNTED: Counted[] = [
  {
    table: 'report',
    month: 'created_at',
    columns: ['created_at', 'statistics_opt_out', 'closure_reason', 'channel', 'reporter_role', 'life_area'],
  },
  {
    table: 'case_file',
    month: 'created_at',
    columns: [
      'created_at',
      'statistics_opt_out',
      'closure_reason',
      'grounds',
      'forms',
      'level',
      'life_area',
      'perpetrator_type',
      'district',
      'status',
      'outcome',
      'first_response_at',
      'closed_at',
    ],
  },
  { table: 'incident', month: 'created_at', columns: ['created_at', 'case_id'] },
  {
    table: 'case_entry',
    month: 'at',
    where: `kind = 'intervention'`,
    columns: ['kind', 'at', 'case_id', `meta->>'type'`],
  },
  {
    table: 'referral',
    month: 'sent_at',
    where: 'sent_at IS NOT NULL',
    columns: ['sent_at', 'case_id', 'service_type', 'status', 'outcome'],
  },
];

/**
 * When a case stops or starts counting (opted out, closed as duplicate or spam, or undone), the
 * incidents, interventions and referrals of that case change the figures of *their* months too.
 */
const CASE_COUNTED_CHANGED = `
      INSERT INTO statistics_change (month)
      SELECT DISTINCT m FROM (
        SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.statistics_opt_out, o.closure_reason) IS DISTINCT FROM (n.statistics_opt_out, n.closure_reason)
      ) changed
      CROSS JOIN LATERAL (
        SELECT ${MONTH('i.created_at')} FROM incident i WHERE i.case_id = changed.id
        UNION SELECT ${MONTH('e.at')} FROM case_entry e WHERE e.case_id = changed.id AND e.kind = 'intervention'
        UNION SELECT ${MONTH('f.sent_at')} FROM referral f WHERE f.case_id = changed.id AND f.sent_at IS NOT NULL
      ) AS related(m);`;

function changeFunction(t: Counted): string {
  /** the row's month, or NULL where the row does not count at all (not an intervention, not sent) */
  const month = (alias: string) => {
    const m = MONTH(`${alias}.${t.month}`);
    return t.where ? `CASE WHEN ${t.where.replace(/^(\w+)/, `${alias}.$1`)} THEN ${m} END` : m;
  };
  const list = (alias: string) => t.columns.map((c) => `${alias}.${c}`).join(', ');
  const insertMonths = (alias: string, rows: string) =>
    `INSERT INTO statistics_change (month)
        SELECT DISTINCT m FROM (SELECT ${month(alias)} AS m FROM ${rows} ${alias}) x WHERE m IS NOT NULL;`;
  return `CREATE FUNCTION statistics_change_${t.table}() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        ${insertMonths('n', 'new_rows')}
      ELSIF TG_OP = 'DELETE' THEN
        ${insertMonths('o', 'old_rows')}
      ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO statistics_change (month)
        SELECT DISTINCT m FROM old_rows o JOIN new_rows n ON n.id = o.id
        CROSS JOIN LATERAL (VALUES (${month('o')}), (${month('n')})) AS touched(m)
        WHERE m IS NOT NULL AND (${list('o')}) IS DISTINCT FROM (${list('n')});${t.table === 'case_file' ? CASE_COUNTED_CHANGED : ''}
      ELSE
        -- TRUNCATE: every month
        INSERT INTO statistics_change (month) VALUES ('infinity');
      END IF;
      RETURN NULL;
    END $fn$`;
}

/**
 * The statistics cache (src/modules/statistics/statistics-cache.ts). A release of a period is
 * expensive (a quarter of a million-case installation: about a second of aggregation), but it changes
 * only when the data of its months changes. So:
 *
 * - `statistics_change` is an append-only log of *which Berlin months* had counted data change,
 *   written by statement-level triggers (transition tables, one row per statement and month) on the
 *   five tables the statistics read. Append-only means no hot row: concurrent intake submissions never
 *   wait for each other here.
 * - The *version* of a release is the number of log rows of its months (the period, its previous
 *   period, the same period a year earlier; plus `infinity` rows written by TRUNCATE), read in the same
 *   REPEATABLE READ snapshot as the aggregation. A snapshot sees every transaction that committed
 *   before it and no other, so an equal count means the same committed changes — a transaction still
 *   open while a release is computed raises the count when it commits, which no cached entry has.
 * - `statistics_change_base` takes the counts of compacted log rows (the refresh job deletes the log
 *   rows and adds their number per month here in one transaction), so the log stays short and the
 *   sum — the version — never goes back.
 * - `statistics_release` holds one published release per period (after disclosure control: nothing
 *   in it is personal data) with the version and the parameters (thresholds, districts, format) it was
 *   built with.
 */
export class StatisticsCache1796536807147 implements MigrationInterface {
  name = 'StatisticsCache1796536807147';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "statistics_change" ("id" bigserial PRIMARY KEY, "month" date NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX "ix_statistics_change_month" ON "statistics_change" ("month")`);
    await queryRunner.query(
      `CREATE TABLE "statistics_change_base" ("month" date PRIMARY KEY, "n" bigint NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE "statistics_release" (
         "period_code" text PRIMARY KEY,
         "version" bigint NOT NULL,
         "params" text NOT NULL,
         "body" text NOT NULL,
         "computed_at" timestamptz NOT NULL DEFAULT now(),
         "computed_ms" integer NOT NULL,
         "last_read_at" timestamptz NOT NULL DEFAULT now()
       )`,
    );
    for (const t of COUNTED) {
      await queryRunner.query(changeFunction(t));
      const fn = `statistics_change_${t.table}()`;
      await queryRunner.query(
        `CREATE TRIGGER "${t.table}_statistics_insert" AFTER INSERT ON "${t.table}" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "${t.table}_statistics_update" AFTER UPDATE ON "${t.table}" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "${t.table}_statistics_delete" AFTER DELETE ON "${t.table}" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}`,
      );
      await queryRunner.query(
        `CREATE TRIGGER "${t.table}_statistics_truncate" AFTER TRUNCATE ON "${t.table}" FOR EACH STATEMENT EXECUTE FUNCTION ${fn}`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of [...COUNTED].reverse()) {
      for (const op of ['truncate', 'delete', 'update', 'insert'])
        await queryRunner.query(`DROP TRIGGER "${t.table}_statistics_${op}" ON "${t.table}"`);
      await queryRunner.query(`DROP FUNCTION statistics_change_${t.table}()`);
    }
    await queryRunner.query(`DROP TABLE "statistics_release"`);
    await queryRunner.query(`DROP TABLE "statistics_change_base"`);
    await queryRunner.query(`DROP TABLE "statistics_change"`);
  }
}
