// Synthetic cases for the work-list benchmark, inserted set-based by PostgreSQL itself
// (INSERT … SELECT generate_series, in batches) as the owner role: no row leaves the server, so a
// million cases take tens of seconds, not hours. Codes only — no narrative, no data key material
// (a dummy data_key row id), nothing personal.
import pg from 'pg';
// the codes themselves come from the built app (npm run bench builds first): one vocabulary, not a copy
import {
  FORMS,
  INTERVENTION_TYPES as INTERVENTIONS,
  LIFE_AREAS,
  OUTCOMES,
  PERPETRATOR_TYPES as PERPETRATORS,
} from '../../dist/src/common/domain/vocabulary.js';

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
const DISTRICTS = ['mitte', 'nord', 'ost', 'sued', 'west', 'online', 'outside_city', 'unknown'];
const ACTIVE_STATUSES = ['new', 'triage', 'open', 'open', 'open', 'on_hold', 'referred', 'reopened'];
const TAGS = ['miete', 'schule', 'jobcenter', 'polizei', 'kita', 'online-hass'];
const LEVELS = ['individual', 'individual', 'institutional', 'structural'];
const CHANNELS = ['web_form', 'web_form', 'web_form', 'api', 'phone', 'in_person', 'letter', 'email'];
const REPORTER_ROLES = ['affected', 'affected', 'affected', 'witness', 'organisation', 'staff_entry'];

const arr = (xs) => `(ARRAY[${xs.map((x) => `'${x}'`).join(',')}]::text[])`;

/**
 * Seeds `total` cases spread over `organisations` ([{ id, code, counsellors: [uuid…] }]), created over
 * the last three years in creation order: older cases mostly closed, recent ones in every state; 1–2 grounds, a life
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
    // the same for the tables filled from case_file afterwards (incidents, reports, interventions)
    const { rows: indexes } = await c.query(
      `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
       WHERE i.indrelid IN ('case_file'::regclass, 'incident'::regclass, 'report'::regclass,
                            'incident_report'::regclass, 'case_entry'::regclass)
         AND NOT i.indisprimary AND NOT i.indisunique`,
    );
    for (const ix of indexes) await c.query(`DROP INDEX ${ix.name}`);
    for (let from = 1; from <= total; from += batch) {
      const to = Math.min(total, from + batch - 1);
      await c.query(
        `INSERT INTO case_file (organisation_id, reference, status, closure_reason, assignees, data_key_id, grounds,
           forms, life_area, district, when_kind, incident_date, intersectional, tags, deadline_due,
           last_activity_at, created_at, first_response_at, closed_at, version, level, perpetrator_type, outcome,
           statistics_opt_out)
         SELECT o.id, o.code || '-' || to_char(s.created_at, 'YYYY') || '-' || lpad(s.i::text, 7, '0'),
           s.status,
           CASE WHEN s.status <> 'closed' THEN NULL WHEN s.r_misc < 0.01 THEN 'spam' WHEN s.r_misc < 0.02 THEN 'duplicate'
                ELSE 'counselling_completed' END,
           CASE WHEN s.r_assign < 0.10 THEN '{}'::uuid[]
                WHEN s.r_assign < 0.85 THEN ARRAY[($4::uuid[])[s.org_ix][1 + (s.i * 7) % $5]]
                ELSE ARRAY[($4::uuid[])[s.org_ix][1 + (s.i * 7) % $5], ($4::uuid[])[s.org_ix][1 + (s.i * 7 + 1) % $5]] END,
           $3::uuid,
           CASE WHEN s.r_ground < 0.8 THEN ARRAY[($6::text[])[1 + (s.i * 13) % ${GROUNDS.length}]]
                ELSE ARRAY[($6::text[])[1 + (s.i * 13) % ${GROUNDS.length}], ($6::text[])[1 + (s.i * 13 + 5) % ${GROUNDS.length}]] END,
           CASE WHEN s.r_form < 0.75 THEN ARRAY[${arr(FORMS)}[1 + (s.i * 11) % ${FORMS.length}]]
                ELSE ARRAY[${arr(FORMS)}[1 + (s.i * 11) % ${FORMS.length}], ${arr(FORMS)}[1 + (s.i * 11 + 3) % ${FORMS.length}]] END,
           s.life_area, ($7::text[])[1 + (s.i * 3) % ${DISTRICTS.length}], 'date', s.incident_date, false,
           CASE WHEN s.r_tag < 0.05 THEN ARRAY[($8::text[])[1 + s.i % ${TAGS.length}]] ELSE '{}'::text[] END,
           CASE WHEN s.life_area IN ('employment', 'housing', 'goods_services')
                THEN (s.incident_date + interval '2 months')::date END,
           CASE WHEN s.status = 'closed' THEN s.created_at + (now() - s.created_at) * 0.3
                ELSE s.created_at + (now() - s.created_at) * s.r_activity END,
           s.created_at, s.created_at + interval '1 day',
           CASE WHEN s.status = 'closed' THEN s.created_at + (now() - s.created_at) * 0.3 END,
           1,
           ${arr(LEVELS)}[1 + floor(s.r_form * 97)::int % ${LEVELS.length}],
           ${arr(PERPETRATORS)}[1 + (s.i * 5) % ${PERPETRATORS.length}],
           CASE WHEN s.status = 'closed' THEN ${arr(OUTCOMES)}[1 + floor(s.r_misc * 1000)::int % ${OUTCOMES.length}] END,
           s.r_misc > 0.99
         FROM (
           SELECT g.i, 1 + g.i % $9 AS org_ix, x.created_at,
             CASE WHEN x.created_at < now() - interval '180 days' AND random() < 0.93 THEN 'closed'
                  WHEN random() < 0.15 THEN 'closed'
                  ELSE ${arr(ACTIVE_STATUSES)}[1 + floor(random() * ${ACTIVE_STATUSES.length})::int] END AS status,
             ${arr(LIFE_AREAS)}[1 + floor(random() * ${LIFE_AREAS.length})::int] AS life_area,
             (x.created_at - random() * interval '60 days')::date AS incident_date,
             random() AS r_assign, random() AS r_ground, random() AS r_tag, random() AS r_activity,
             random() AS r_form, random() AS r_misc
           FROM generate_series($1::int, $2::int) AS g(i)
           -- cases are opened over time: created_at follows the insertion order (as in a real
           -- installation, where the heap is roughly in creation order), with a few hours of jitter
           CROSS JOIN LATERAL (SELECT now() - interval '1095 days' * (1 - g.i::float8 / $12)
                                 - random() * interval '6 hours' AS created_at) x
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
          total,
        ],
      );
      log(`  seeded ${to.toLocaleString('en')} cases (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    }
    // open tasks on ~3 % of the cases that are not closed (due −30…+30 days), done ones on ~2 % of all
    const tasks = await c.query(
      `INSERT INTO case_task (case_id, organisation_id, title, due_date, assignee_id, done_at)
       SELECT id, organisation_id, '\\x00'::bytea, current_date + (floor(random() * 61) - 30)::int,
         assignees[1], CASE WHEN status = 'closed' THEN closed_at END
       FROM case_file
       WHERE (status <> 'closed' AND random() < 0.03) OR (status = 'closed' AND random() < 0.02)`,
    );
    log(`  seeded ${tasks.rowCount.toLocaleString('en')} tasks`);
    // the units the statistics count besides cases, each inserted in time order like the cases: one
    // incident per case (a second one on 10 %), one
    // report per incident (created a few days before its case, in the reporter's own role and channel,
    // opted out or closed as spam/duplicate with its case), an intervention entry on 30 % of the cases
    // rows made from existing case rows only: the foreign-key triggers (one lookup per row) are skipped
    // for these inserts (superuser's session_replication_role), the indexes are built once at the end
    await c.query(`SET session_replication_role = replica`);
    const incidents = await c.query(
      `INSERT INTO incident (organisation_id, case_id, created_at)
       SELECT * FROM (
         SELECT organisation_id, id, created_at FROM case_file
         UNION ALL
         SELECT organisation_id, id, created_at + interval '20 days' FROM case_file WHERE random() < 0.10
       ) x ORDER BY created_at`,
    );
    await c.query(
      `CREATE TEMP TABLE bench_report_map AS
       SELECT i.id AS incident_id, gen_random_uuid() AS report_id, i.organisation_id, c.life_area, c.district,
              c.grounds, c.statistics_opt_out, c.closure_reason,
              greatest(i.created_at - random() * interval '5 days', c.created_at - interval '5 days') AS created_at
         FROM incident i JOIN case_file c ON c.id = i.case_id`,
    );
    log(`  incidents (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    const reports = await c.query(
      `INSERT INTO report (id, receiving_organisation_id, channel, reporter_role, data_key_id, content, contact_channel,
         preferred_language, when_kind, district, grounds, life_area, support_wishes, status, receipt_hash,
         statistics_opt_out, closure_reason, created_at)
       SELECT m.report_id, m.organisation_id, ${arr(CHANNELS)}[1 + floor(random() * ${CHANNELS.length})::int],
         ${arr(REPORTER_ROLES)}[1 + floor(random() * ${REPORTER_ROLES.length})::int], $1::uuid, '\\x00'::bytea, 'none',
         'de', 'date', coalesce(m.district, 'unknown'), m.grounds, coalesce(m.life_area, 'other'), '{}', 'open',
         md5(m.report_id::text), m.statistics_opt_out,
         CASE WHEN m.closure_reason IN ('spam', 'duplicate') THEN m.closure_reason END, m.created_at
       FROM bench_report_map m ORDER BY m.created_at`,
      [dataKeyId],
    );
    await c.query(
      `INSERT INTO incident_report (report_id, incident_id, organisation_id)
       SELECT report_id, incident_id, organisation_id FROM bench_report_map`,
    );
    await c.query('DROP TABLE bench_report_map');
    log(`  reports (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    const interventions = await c.query(
      `INSERT INTO case_entry (case_id, organisation_id, kind, meta, at)
       SELECT id, organisation_id, 'intervention',
         jsonb_build_object('type', ${arr(INTERVENTIONS)}[1 + floor(random() * ${INTERVENTIONS.length})::int]),
         created_at + random() * interval '30 days'
       FROM case_file WHERE random() < 0.30 ORDER BY 5`,
    );
    await c.query(`SET session_replication_role = origin`);
    await c.query(`SET maintenance_work_mem = '256MB'`);
    for (const ix of indexes) await c.query(ix.def);
    log(`  rebuilt ${indexes.length} indexes (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    log(
      `  seeded ${incidents.rowCount.toLocaleString('en')} incidents, ${reports.rowCount.toLocaleString('en')} reports, ${interventions.rowCount.toLocaleString('en')} interventions (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );
    for (const t of ['case_file', 'case_task', 'incident', 'report', 'incident_report', 'case_entry'])
      await c.query(`VACUUM ANALYZE ${t}`);
    return {
      cases: total,
      tasks: tasks.rowCount,
      incidents: incidents.rowCount,
      reports: reports.rowCount,
      interventions: interventions.rowCount,
      seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    await c.end();
  }
}
