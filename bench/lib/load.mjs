/* global process */
// Runs autocannon in a second process (bench/load.mjs) and returns its JSON result.
import { join } from 'node:path';
import { runToEnd } from './procs.mjs';
import { ROOT } from './servers.mjs';

export async function load(url, { connections, durationS, warmupS, method, headers, body } = {}) {
  const args = { url, connections, durationS, warmupS, method, headers, body };
  const lines = await runToEnd(process.execPath, [join(ROOT, 'bench', 'load.mjs'), JSON.stringify(args)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH },
    timeoutMs: (warmupS + durationS + 60) * 1000,
  });
  const json = lines.reverse().find((l) => l.startsWith('{'));
  if (!json) throw new Error(`load.mjs printed no result:\n${lines.join('\n')}`);
  return JSON.parse(json);
}
