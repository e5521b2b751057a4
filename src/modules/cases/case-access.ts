import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `fn` in a transaction in which row-level security sees only this organisation's case rows
 * (see migration CaseRowLevelSecurity). The service checks ownership itself as well: this is the
 * second line, for the query that forgets.
 */
export function withOrganisation<T>(
  db: DataSource,
  organisationId: string,
  fn: (m: EntityManager) => Promise<T>,
): Promise<T> {
  return db.transaction(async (m) => {
    await m.query(`SELECT set_config('anl.organisation_id', $1, true)`, [organisationId]);
    return fn(m);
  });
}

/**
 * For jobs that work across organisations (retention, reminders, statistics): declared, never implied.
 * `isolation` REPEATABLE READ gives every query of `fn` one snapshot (the statistics read their cache
 * version and the data they aggregate in the same one).
 */
export function asSystem<T>(
  db: DataSource,
  fn: (m: EntityManager) => Promise<T>,
  isolation: 'READ COMMITTED' | 'REPEATABLE READ' = 'READ COMMITTED',
): Promise<T> {
  return db.transaction(isolation, async (m) => {
    await m.query(`SELECT set_config('anl.scope', 'system', true)`);
    return fn(m);
  });
}
