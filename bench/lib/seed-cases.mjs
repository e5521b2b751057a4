// Synthetic cases for the work-list benchmark, inserted set-based by PostgreSQL itself
// (INSERT … SELECT generate_series, in batches) as the owner role: no row leaves the server, so a
// million cases take tens of seconds, not hours. Codes only — no narrative, no data key material
// (a dummy data_key row id), nothing personal.
import pg from 'pg';

const GROUNDS = [
  'ethnic_origin',
  'gender',
  'religion_belief',
  'disability',
  'age',
  'sexual_identity',
  'antisemitism',
  'gender_identity',
  'chronic_illness',
  'language',
  'social_status',
  'nationality',
  'residence_status',
  'other',
];
const LIFE_AREAS = [
  'employment',
  'housing',
  'goods_services',
  'education',
  'public_authorities',
  'police_justice',
  'health_care',
  'media_internet',
  'public_space',
  'other',
];
const DISTRICTS = ['mitte', 'nord', 'ost', 'sued', 'west', 'online', 'outside_city', 'unknown'];
const ACTIVE_STATUSES = ['new', 'triage', 'open', 'open', 'open', 'on_hold', 'referred', 'reopened'];
const TAGS = ['miete', 'schule', 'jobcenter', 'polizei', 'kita', 'online-hass'];

const arr = (xs) => `(ARRAY[${xs.map((x) => `'${x}'`).join(',')}]::text[])`;

/**
 * Seeds `total` cases spread over `organisations` ([{ id, code, counsellors: [uuid…] }]), created over
 * the last three years: older cases mostly closed, recent ones in every state; 1–2 grounds, a life
 * area, a district, a statutory deadline for employment/housing/goods and services, 0–2 assignees
 * among the organisation's counsellors (10 % unassigned), a tag on some; plus open and done tasks on
 * a few percent. The secondary indexes are rebuilt after the inserts; then VACUUM ANALYZE, so the
 * planner and index-only scans see the real data.
 * Returns { cases, tasks, seconds }.
 */
export async function seedCases(
  ownerUrl,
  organisations,
  { total = 1_000_000, batch = 100_000, log = () => {} } = {},
) {
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  const t0 = Date.now();
  try {
    const dataKeyId = (
      await c.query(`INSERT INTO data_key (master_key_id, wrapped) VALUES ('bench', NULL) RETURNING id`)
    ).rows[0].id;
    const orgIds = organisations.map((o) => o.id);
    const codes = organisations.map((o) => o.code);
    // counsellors per organisation as a 2-d array (padded to the same length by repeating)
    const width = Math.max(...organisations.map((o) => o.counsellors.length));
    const counsellors = organisations.map((o) =>
      Array.from({ length: width }, (_, i) => o.counsellors[i % o.counsellors.length]),
    );
    // bulk load: the secondary indexes of case_file are dropped for the inserts and built afterwards
    // (one sort each instead of a million random insertions into a dozen btrees). Primary
    // key and unique constraints stay, so the data is checked as it goes in.
    const { rows: indexes } = await c.query(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i WHERE i.indrelid = 'case_file'::regclass AND NOT i.indisprimary AND NOT i.indisunique`,
    );
    for (const ix of indexes) await c.query(`DROP INDEX ${ix.name}`);
    for (let from = 1; from <= total; from += batch) {
      const to = Math.min(total, from + batch - 1);
      await c.query(
        `INSERT INTO case_file (organisation_id, reference, status, closure_reason, assignees, data_key_id, grounds,
           forms, life_area, district, when_kind, incident_date, intersectional, tags, deadline_due,
           last_activity_at, created_at, first_response_at, closed_at, version)
         SELECT o.id, o.code || '-' || to_char(s.created_at, 'YYYY') || '-' || lpad(s.i::text, 7, '0'),
           s.status,
           CASE WHEN s.status = 'closed' THEN 'counselling_completed' END,
           CASE WHEN s.r_assign < 0.10 THEN '{}'::uuid[]
                WHEN s.r_assign < 0.85 THEN ARRAY[($4::uuid[])[s.org_ix][1 + (s.i * 7) % $5]]
                ELSE ARRAY[($4::uuid[])[s.org_ix][1 + (s.i * 7) % $5], ($4::uuid[])[s.org_ix][1 + (s.i * 7 + 1) % $5]] END,
           $3::uuid,
           CASE WHEN s.r_ground < 0.8 THEN ARRAY[($6::text[])[1 + (s.i * 13) % ${GROUNDS.length}]]
                ELSE ARRAY[($6::text[])[1 + (s.i * 13) % ${GROUNDS.length}], ($6::text[])[1 + (s.i * 13 + 5) % ${GROUNDS.length}]] END,
           '{}', s.life_area, ($7::text[])[1 + (s.i * 3) % ${DISTRICTS.length}], 'date', s.incident_date, false,
           CASE WHEN s.r_tag < 0.05 THEN ARRAY[($8::text[])[1 + s.i % ${TAGS.length}]] ELSE '{}'::text[] END,
           CASE WHEN s.life_area IN ('employment', 'housing', 'goods_services')
                THEN (s.incident_date + interval '2 months')::date END,
           CASE WHEN s.status = 'closed' THEN s.created_at + (now() - s.created_at) * 0.3
                ELSE s.created_at + (now() - s.created_at) * s.r_activity END,
           s.created_at, s.created_at + interval '1 day',
           CASE WHEN s.status = 'closed' THEN s.created_at + (now() - s.created_at) * 0.3 END,
           1
         FROM (
           SELECT g.i, 1 + g.i % $9 AS org_ix, x.created_at,
             CASE WHEN x.created_at < now() - interval '180 days' AND random() < 0.93 THEN 'closed'
                  WHEN random() < 0.15 THEN 'closed'
                  ELSE ${arr(ACTIVE_STATUSES)}[1 + floor(random() * ${ACTIVE_STATUSES.length})::int] END AS status,
             ${arr(LIFE_AREAS)}[1 + floor(random() * ${LIFE_AREAS.length})::int] AS life_area,
             (x.created_at - random() * interval '60 days')::date AS incident_date,
             random() AS r_assign, random() AS r_ground, random() AS r_tag, random() AS r_activity
           FROM generate_series($1::int, $2::int) AS g(i)
           CROSS JOIN LATERAL (SELECT now() - random() * interval '1095 days' + g.i * interval '0 s' AS created_at) x
         ) s
         JOIN LATERAL (SELECT ($10::uuid[])[s.org_ix] AS id, ($11::text[])[s.org_ix] AS code) o ON true`,
        [
          from,
          to,
          dataKeyId,
          counsellors,
          width,
          GROUNDS,
          DISTRICTS,
          TAGS,
          organisations.length,
          orgIds,
          codes,
        ],
      );
      log(`  seeded ${to.toLocaleString('en')} cases (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
    await c.query(`SET maintenance_work_mem = '256MB'`);
    for (const ix of indexes) await c.query(ix.def);
    log(`  rebuilt ${indexes.length} indexes (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    // open tasks on ~3 % of the cases that are not closed (due −30…+30 days), done ones on ~2 % of all
    const tasks = await c.query(
      `INSERT INTO case_task (case_id, organisation_id, title, due_date, assignee_id, done_at)
       SELECT id, organisation_id, '\\x00'::bytea, current_date + (floor(random() * 61) - 30)::int,
         assignees[1], CASE WHEN status = 'closed' THEN closed_at END
       FROM case_file
       WHERE (status <> 'closed' AND random() < 0.03) OR (status = 'closed' AND random() < 0.02)`,
    );
    log(`  seeded ${tasks.rowCount.toLocaleString('en')} tasks`);
    await c.query('VACUUM ANALYZE case_file');
    await c.query('VACUUM ANALYZE case_task');
    return { cases: total, tasks: tasks.rowCount, seconds: (Date.now() - t0) / 1000 };
  } finally {
    await c.end();
  }
}
