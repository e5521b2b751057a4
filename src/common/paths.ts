import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('project root not found');
    dir = parent;
  }
  return dir;
}

/** Project root (works from src/ under ts-jest and from dist/src/ when compiled). */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const TEMPLATES_DIR = join(PROJECT_ROOT, 'templates');
export const STATIC_DIR = join(TEMPLATES_DIR, 'static');
export const LOCALES_DIR = join(TEMPLATES_DIR, 'locales');
