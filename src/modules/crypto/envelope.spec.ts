import { randomBytes } from 'node:crypto';
import { CryptoIntegrityError } from './crypto.errors.js';
import { dataAad, open, seal, wrapAad } from './envelope.js';

describe('envelope (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const aad = dataAad('6f1c1c1e-5d7a-4a43-9a55-0d1f5b8f2a10');
  const plaintext = Buffer.from('Ich wurde an der Tür abgewiesen — مرحبا', 'utf8');

  it('round-trips and uses the documented layout: version | 12-byte IV | 16-byte tag | body', () => {
    const sealed = seal(key, plaintext, aad);
    expect(sealed[0]).toBe(1);
    expect(sealed.length).toBe(1 + 12 + 16 + plaintext.length);
    expect(open(key, sealed, aad).equals(plaintext)).toBe(true);
  });

  it('uses a fresh IV each time, so equal plaintexts do not look equal', () => {
    expect(seal(key, plaintext, aad).equals(seal(key, plaintext, aad))).toBe(false);
  });

  it('round-trips empty plaintext', () => {
    expect(open(key, seal(key, Buffer.alloc(0), aad), aad).length).toBe(0);
  });

  it.each([
    ['a body byte', 40],
    ['the tag', 20],
    ['the IV', 5],
  ])('refuses a ciphertext with a flipped bit in %s', (_part, offset) => {
    const sealed = seal(key, plaintext, aad);
    sealed[offset] ^= 0x01;
    expect(() => open(key, sealed, aad)).toThrow(CryptoIntegrityError);
  });

  it('refuses an unknown version and truncated input', () => {
    const sealed = seal(key, plaintext, aad);
    expect(() => open(key, Buffer.concat([Buffer.of(2), sealed.subarray(1)]), aad)).toThrow(
      CryptoIntegrityError,
    );
    expect(() => open(key, sealed.subarray(0, 28), aad)).toThrow(CryptoIntegrityError);
  });

  it('refuses the wrong key', () => {
    expect(() => open(randomBytes(32), seal(key, plaintext, aad), aad)).toThrow(CryptoIntegrityError);
  });

  it('refuses a ciphertext moved to another data key id (AAD)', () => {
    const sealed = seal(key, plaintext, aad);
    expect(() => open(key, sealed, dataAad('0f5e8c47-5c3e-4c38-8a0f-1c1e8d6e4b21'))).toThrow(
      CryptoIntegrityError,
    );
  });

  it('binds a wrapped key to its row and its master key id', () => {
    const dataKey = randomBytes(32);
    const wrapped = seal(key, dataKey, wrapAad('row-1', 'k1'));
    expect(open(key, wrapped, wrapAad('row-1', 'k1')).equals(dataKey)).toBe(true);
    expect(() => open(key, wrapped, wrapAad('row-2', 'k1'))).toThrow(CryptoIntegrityError);
    expect(() => open(key, wrapped, wrapAad('row-1', 'k2'))).toThrow(CryptoIntegrityError);
  });

  it('keeps associated data unambiguous', () => {
    expect(wrapAad('a:b', 'c').equals(wrapAad('a', 'b:c'))).toBe(false);
  });
});
