import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { PROJECT_ROOT } from '../common/paths.js';
import { buildDataSourceOptions } from './data-source.js';

function q(sql: string): string {
  return '`' + sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
}

/**
 * Writes migrations/<timestamp>-<Name>.ts with the SQL that brings the database at `url` (migrated
 * to the latest state) in line with the entities. Returns the file path, or null when nothing differs.
 */
export async function generateMigration(url: string, name: string): Promise<string | null> {
  const ds = new DataSource(buildDataSourceOptions(url, 2));
  await ds.initialize();
  try {
    const sql = await ds.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) return null;
    const ts = Date.now();
    const className = `${name.replace(/[^A-Za-z0-9]/g, '')}${ts}`;
    const up = sql.upQueries.map((s) => `    await queryRunner.query(${q(s.query)});`).join('\n');
    const down = sql.downQueries
      .reverse()
      .map((s) => `    await queryRunner.query(${q(s.query)});`)
      .join('\n');
    const file = join(PROJECT_ROOT, 'migrations', `${ts}-${name}.ts`);
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${className} implements MigrationInterface {\n  name = '${className}';\n\n  public async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n  public async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
    );
    return file;
  } finally {
    await ds.destroy();
  }
}
