import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import { ConfigError, type AppConfig } from '../../config/app-config.js';
import { KEY_BYTES } from './envelope.js';

export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The first key wraps new data keys; the others only unwrap, until keys:rotate has re-wrapped everything. */
export interface MasterKeyRing {
  readonly active: MasterKey;
  readonly byId: ReadonlyMap<string, MasterKey>;
}

const FORMAT_HINT =
  'expected "keyId:base64" entries separated by commas or newlines (openssl rand -base64 32)';
const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Id for a key given without one: stable, and reveals nothing useful about the key. */
export function defaultKeyId(key: Buffer): string {
  return 'k' + createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Parses a master key list. `source` names the setting in error messages; key material is never
 * echoed. Lines starting with # are comments (useful in a key file).
 */
export function parseMasterKeys(text: string, source: string): MasterKeyRing {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e !== '' && !e.startsWith('#'));
  if (entries.length === 0) throw new ConfigError(`${source} contains no master key; ${FORMAT_HINT}`);
  const keys: MasterKey[] = entries.map((entry, i) => {
    const where = `${source} entry ${i + 1}`;
    // base64 never contains ':', so the first ':' separates the id
    const colon = entry.indexOf(':');
    const id = colon >= 0 ? entry.slice(0, colon).trim() : undefined;
    const material = (colon >= 0 ? entry.slice(colon + 1) : entry).trim();
    if (id !== undefined && !KEY_ID.test(id)) {
      throw new ConfigError(`${where}: key id must be 1-64 letters, digits, '_', '.' or '-'; ${FORMAT_HINT}`);
    }
    if (!BASE64.test(material)) throw new ConfigError(`${where}: key is not valid base64; ${FORMAT_HINT}`);
    const key = Buffer.from(material, 'base64');
    if (key.length !== KEY_BYTES) {
      throw new ConfigError(
        `${where}: key must decode to ${KEY_BYTES} bytes, got ${key.length}; ${FORMAT_HINT}`,
      );
    }
    return { id: id ?? defaultKeyId(key), key };
  });
  const byId = new Map<string, MasterKey>();
  for (const k of keys) {
    if (byId.has(k.id)) throw new ConfigError(`${source}: master key id "${k.id}" appears twice`);
    byId.set(k.id, k);
  }
  return { active: keys[0], byId };
}

/**
 * DATA_KEY or DATA_KEY_FILE; in embedded mode without either, a key generated once into the data
 * directory. A server deployment never silently invents a key: losing it would lose all data.
 */
export function loadMasterKeys(
  config: Pick<AppConfig, 'crypto' | 'database'>,
  logger: Pick<Logger, 'warn'> = new Logger('Crypto'),
): MasterKeyRing {
  const { dataKey, dataKeyFile } = config.crypto;
  if (dataKey !== undefined && dataKeyFile !== undefined) {
    throw new ConfigError('Set only one of DATA_KEY and DATA_KEY_FILE');
  }
  if (dataKey !== undefined) return parseMasterKeys(dataKey, 'DATA_KEY');
  if (dataKeyFile !== undefined)
    return parseMasterKeys(readKeyFile(dataKeyFile, 'DATA_KEY_FILE'), 'DATA_KEY_FILE');
  if (config.database.url !== undefined) {
    throw new ConfigError(`No master key configured: set DATA_KEY or DATA_KEY_FILE; ${FORMAT_HINT}`);
  }
  const path = join(config.database.embeddedDataDir, 'master.key');
  if (createKeyFileOnce(path)) {
    logger.warn(
      `Generated a master key at ${path}. Back it up separately from the database: without it the encrypted data cannot be read.`,
    );
  }
  return parseMasterKeys(readKeyFile(path, path), path);
}

function readKeyFile(path: string, source: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError(`${source}: cannot read master key file ${path} (${code})`);
  }
}

/** Returns true when this call created the file. Race-safe: app and worker may start at once. */
function createKeyFileOnce(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${defaultKeyId(key)}:${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // link() publishes the complete file atomically and fails if another process was first
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}
