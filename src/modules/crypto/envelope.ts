import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CryptoIntegrityError } from './crypto.errors.js';

/** AES-256-GCM. Sealed format: 1 version byte | 12-byte IV | 16-byte tag | ciphertext. */
export const KEY_BYTES = 32;
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  // a random 96-bit IV is safe here: one data key per record encrypts far fewer than 2^32 messages
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < HEADER_BYTES || sealed[0] !== VERSION) {
    throw new CryptoIntegrityError('ciphertext is malformed or of an unknown version');
  }
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
  } catch (e) {
    throw new CryptoIntegrityError('ciphertext failed authentication (tampered, moved or wrong key)', {
      cause: e,
    });
  }
}

/*
 * Associated data binds a ciphertext to where it belongs: a field moved to another record's data key,
 * or a wrapped key copied to another row or relabelled with another master key id, fails to open.
 * JSON arrays keep the parts unambiguous.
 */
export function dataAad(dataKeyId: string): Buffer {
  return Buffer.from(JSON.stringify(['anlaufstelle/data', VERSION, dataKeyId]));
}

export function wrapAad(dataKeyId: string, masterKeyId: string): Buffer {
  return Buffer.from(JSON.stringify(['anlaufstelle/data-key', VERSION, dataKeyId, masterKeyId]));
}
