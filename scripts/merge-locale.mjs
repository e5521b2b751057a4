/* global process */
// Deep-merges a JSON file into a locale file (later keys win). Used when adding a batch of strings.
import { readFileSync, writeFileSync } from 'node:fs';
const [target, source] = process.argv.slice(2);
const merge = (a, b) => {
  for (const [k, v] of Object.entries(b)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object') merge(a[k], v);
    else a[k] = v;
  }
  return a;
};
const out = merge(JSON.parse(readFileSync(target, 'utf8')), JSON.parse(readFileSync(source, 'utf8')));
writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
