import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../config/app-config.js';
import { defaultKeyId, loadMasterKeys, parseMasterKeys } from './master-keys.js';

const b64 = (bytes = 32) => randomBytes(bytes).toString('base64');

function config(crypto: { dataKey?: string; dataKeyFile?: string }, url?: string, dir = '/nonexistent') {
  return { crypto, database: { url, runMigrations: true, poolSize: 1, embeddedDataDir: dir } };
}

function logger() {
  const lines: string[] = [];
  return { lines, warn: (m: unknown) => void lines.push(String(m)) };
}

describe('parseMasterKeys', () => {
  it('reads a rotation list: the first entry is active, the others unwrap only', () => {
    const [a, b] = [b64(), b64()];
    const ring = parseMasterKeys(`new:${a}, old:${b}`, 'DATA_KEY');
    expect(ring.active.id).toBe('new');
    expect(ring.active.key.equals(Buffer.from(a, 'base64'))).toBe(true);
    expect([...ring.byId.keys()]).toEqual(['new', 'old']);
  });

  it('accepts newlines, comments and blank lines (key files)', () => {
    const ring = parseMasterKeys(`# rotated 2026-01\n\nb:${b64()}\r\na:${b64()}\n`, 'DATA_KEY_FILE');
    expect([...ring.byId.keys()]).toEqual(['b', 'a']);
  });

  it('derives an id for a bare key from its sha256', () => {
    const raw = randomBytes(32);
    const ring = parseMasterKeys(raw.toString('base64'), 'DATA_KEY');
    expect(ring.active.id).toBe('k' + createHash('sha256').update(raw).digest('hex').slice(0, 8));
    expect(defaultKeyId(raw)).toBe(ring.active.id);
  });

  it.each([
    ['a short key', `k1:${b64(16)}`, /DATA_KEY entry 1: key must decode to 32 bytes, got 16/],
    ['a long key', `k1:${b64(33)}`, /must decode to 32 bytes, got 33/],
    ['non-base64', 'k1:not base64 at all!', /DATA_KEY entry 1: key is not valid base64/],
    ['a bad id', `bad id:${b64()}`, /DATA_KEY entry 1: key id/],
    ['an empty id', `:${b64()}`, /key id/],
    ['a duplicate id', `a:${b64()},a:${b64()}`, /"a" appears twice/],
    ['nothing', ' , \n', /DATA_KEY contains no master key/],
    ['a bad second entry', `a:${b64()},b:${b64(31)}`, /DATA_KEY entry 2/],
  ])('rejects %s with a message naming the setting', (_case, value, message) => {
    expect(() => parseMasterKeys(value, 'DATA_KEY')).toThrow(ConfigError);
    expect(() => parseMasterKeys(value, 'DATA_KEY')).toThrow(message);
  });

  it('never echoes key material in errors', () => {
    const secret = b64(31);
    expect(() => parseMasterKeys(`k:${secret}`, 'DATA_KEY')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });
});

describe('loadMasterKeys', () => {
  it('reads DATA_KEY', () => {
    expect(loadMasterKeys(config({ dataKey: `x:${b64()}` }, 'postgres://db')).active.id).toBe('x');
  });

  it('reads DATA_KEY_FILE and names it when unreadable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const file = join(dir, 'keys');
    writeFileSync(file, `f:${b64()}\n`);
    expect(loadMasterKeys(config({ dataKeyFile: file }, 'postgres://db')).active.id).toBe('f');
    expect(() => loadMasterKeys(config({ dataKeyFile: join(dir, 'missing') }, 'postgres://db'))).toThrow(
      /DATA_KEY_FILE: cannot read master key file .*missing \(ENOENT\)/,
    );
  });

  it('refuses both settings at once, and a server deployment without a key', () => {
    expect(() =>
      loadMasterKeys(config({ dataKey: `a:${b64()}`, dataKeyFile: '/k' }, 'postgres://db')),
    ).toThrow(/only one of DATA_KEY and DATA_KEY_FILE/);
    expect(() => loadMasterKeys(config({}, 'postgres://db'))).toThrow(/set DATA_KEY or DATA_KEY_FILE/);
  });

  it('in embedded mode generates master.key once (0600), logs it, and reuses it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'embedded-')), 'data');
    const first = logger();
    const ring = loadMasterKeys(config({}, undefined, dir), first);
    const file = join(dir, 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0]).toContain(file);
    expect(first.lines[0]).toMatch(/back it up separately from the database/i);
    expect(first.lines[0]).not.toContain(ring.active.key.toString('base64'));

    const second = logger();
    const again = loadMasterKeys(config({}, undefined, dir), second);
    expect(again.active.id).toBe(ring.active.id);
    expect(again.active.key.equals(ring.active.key)).toBe(true);
    expect(second.lines).toHaveLength(0);
    expect(readFileSync(file, 'utf8')).toBe(`${ring.active.id}:${ring.active.key.toString('base64')}\n`);
  });
});
