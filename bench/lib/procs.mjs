/* global setTimeout, clearTimeout */
// Child processes of a benchmark run: every one is registered so the run can stop them all, also on
// failure, Ctrl-C or a watchdog timeout. Only processes started here are ever signalled.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const children = new Set();

/** Spawns `node <args>` (or another command) and keeps its output lines. */
export function start(command, args, { env, cwd, name = args[0] } = {}) {
  const proc = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  const onLine = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) output.push(line);
    if (output.length > 2000) output.splice(0, output.length - 2000);
  };
  proc.stdout.on('data', onLine);
  proc.stderr.on('data', onLine);
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const child = {
    name,
    proc,
    output,
    exited,
    /** SIGTERM, then SIGKILL after `graceMs` */
    async stop(graceMs = 10_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      children.delete(child);
    },
  };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** Runs a process to its end within `timeoutMs` and returns its stdout lines. */
export async function runToEnd(command, args, { env, cwd, timeoutMs }) {
  const child = start(command, args, { env, cwd });
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await child.exited;
  clearTimeout(timer);
  if (code !== 0)
    throw new Error(
      `${args.join(' ').slice(0, 120)} ended with ${code ?? signal}:\n${child.output.join('\n')}`,
    );
  return child.output;
}

export async function stopAll() {
  await Promise.allSettled([...children].map((c) => c.stop(5_000)));
}

/** A free TCP port on 127.0.0.1 (the app logs its port only at info level; the bench runs at warn). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once `fn` returns a truthy value; polls every `everyMs`, fails after `timeoutMs`. */
export async function waitFor(what, fn, { timeoutMs = 60_000, everyMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms${last ? ` (${last.message ?? last})` : ''}`);
}
