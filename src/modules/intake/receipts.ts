import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { hashRaw } from '@node-rs/argon2';

/** 16 decimal digits from the CSPRNG: 10^16 ≈ 2^53.15 possibilities. */
export function generateReceipt(): string {
  let digits = '';
  for (let i = 0; i < 16; i++) digits += String(randomInt(10));
  return digits;
}

/**
 * argon2id with the installation-wide salt: deterministic, so the hash is its own lookup key (one
 * slow hash per login, no scan over all reports), and every offline guess still costs a full argon2id.
 */
export async function hashReceipt(receipt: string, salt: Buffer): Promise<string> {
  const raw = await hashRaw(receipt, {
    algorithm: 2,
    memoryCost: 19_456,
    timeCost: 2,
    parallelism: 1,
    outputLen: 32,
    salt,
  });
  return raw.toString('hex');
}

/** The form's start time, signed so a bot cannot backdate it (minimum fill time). */
export function signStart(at: number, key: Buffer): string {
  const mac = createHmac('sha256', key).update(`start:${at}`).digest('base64url').slice(0, 22);
  return `${at}.${mac}`;
}

export function verifyStart(token: unknown, key: Buffer): number | null {
  if (typeof token !== 'string') return null;
  const [at, mac] = token.split('.');
  if (!/^\d{10,14}$/.test(at ?? '') || !mac) return null;
  const expected = signStart(Number(at), key).split('.')[1];
  const a = Buffer.from(mac);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b) ? Number(at) : null;
}
