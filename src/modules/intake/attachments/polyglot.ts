import { indexOfAsciiCaseless } from './sniff.js';

/** What was found hidden inside an otherwise acceptable file. */
export type EmbeddedPayload = 'zip' | 'pe' | 'elf' | 'markup';

const ZIP_LOCAL = Buffer.from('PK\x03\x04', 'latin1');
const ZIP_CENTRAL = Buffer.from('PK\x01\x02', 'latin1');
const ZIP_END = Buffer.from('PK\x05\x06', 'latin1');
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const PE_SIGNATURE = Buffer.from('PE\0\0', 'latin1');
const ZIP_METHODS = new Set([0, 1, 6, 8, 9, 12, 14, 93, 95, 96, 97, 98, 99]);

function* occurrences(buf: Buffer, needle: Buffer, from = 0): Generator<number> {
  let i = buf.indexOf(needle, from);
  while (i >= 0) {
    yield i;
    i = buf.indexOf(needle, i + 1);
  }
}

/**
 * Compressed data (PDF streams, audio) contains any 4-byte sequence now and then, so a ZIP signature only
 * counts when the header around it is plausible: a known "version needed" and compression method.
 */
function plausibleZipHeader(buf: Buffer, at: number, kind: 'local' | 'central'): boolean {
  const versionAt = kind === 'local' ? at + 4 : at + 6;
  const methodAt = kind === 'local' ? at + 8 : at + 10;
  if (methodAt + 2 > buf.length) return false;
  const versionNeeded = buf.readUInt16LE(versionAt);
  return (
    (versionNeeded & 0xff) <= 63 && versionNeeded >> 8 <= 30 && ZIP_METHODS.has(buf.readUInt16LE(methodAt))
  );
}

function containsZip(buf: Buffer, from: number): boolean {
  for (const at of occurrences(buf, ZIP_LOCAL, from)) if (plausibleZipHeader(buf, at, 'local')) return true;
  for (const at of occurrences(buf, ZIP_CENTRAL, from))
    if (plausibleZipHeader(buf, at, 'central')) return true;
  // ZIP readers look for the end-of-central-directory record within the last 64 KiB + 22 bytes of a file.
  const tail = Math.max(from, buf.length - (0xffff + 22));
  for (const at of occurrences(buf, ZIP_END, tail)) if (at + 22 <= buf.length) return true;
  return false;
}

/** A DOS "MZ" header whose e_lfanew field points at a "PE\0\0" signature: a Windows executable. */
function containsPe(buf: Buffer, from: number): boolean {
  for (const at of occurrences(buf, Buffer.from('MZ', 'latin1'), from)) {
    if (at + 0x40 > buf.length) break;
    const peAt = at + buf.readUInt32LE(at + 0x3c);
    if (peAt + 4 <= buf.length && buf.subarray(peAt, peAt + 4).equals(PE_SIGNATURE)) return true;
  }
  return false;
}

/** An ELF header: magic, class 1|2, data encoding 1|2, version 1. */
function containsElf(buf: Buffer, from: number): boolean {
  for (const at of occurrences(buf, ELF, from)) {
    const [cls, data, version] = [buf[at + 4], buf[at + 5], buf[at + 6]];
    if ((cls === 1 || cls === 2) && (data === 1 || data === 2) && version === 1) return true;
  }
  return false;
}

function containsMarkup(buf: Buffer, from: number): boolean {
  return indexOfAsciiCaseless(buf, '<script', from) >= 0 || indexOfAsciiCaseless(buf, '<html', from) >= 0;
}

/**
 * Looks for a second file format hidden inside an accepted one (a "polyglot"): a ZIP archive, a Windows or
 * ELF executable, or HTML/script markup. Used for files that are stored as they are (PDF, text, audio) and
 * for the bytes after the end of an image.
 */
export function findEmbeddedPayload(buf: Buffer, from = 0): EmbeddedPayload | null {
  if (containsZip(buf, from)) return 'zip';
  if (containsPe(buf, from)) return 'pe';
  if (containsElf(buf, from)) return 'elf';
  if (containsMarkup(buf, from)) return 'markup';
  return null;
}

// ---------------------------------------------------------------------------------------- image ends

/** Offset just after the JPEG EOI marker, following segments and entropy-coded data; null if malformed. */
export function jpegEnd(buf: Buffer): number | null {
  let i = 2;
  while (i + 2 <= buf.length) {
    if (buf[i] !== 0xff) return null;
    const marker = buf[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) return i + 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // stand-alone marker
      continue;
    }
    if (i + 4 > buf.length) return null;
    const length = buf.readUInt16BE(i + 2);
    if (length < 2) return null;
    i += 2 + length;
    if (marker === 0xda) {
      // entropy-coded data: runs until a marker other than stuffing (FF 00) or a restart marker
      let j = i;
      for (;;) {
        j = buf.indexOf(0xff, j);
        if (j < 0 || j + 1 >= buf.length) return null;
        const next = buf[j + 1];
        if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) j += 2;
        else if (next === 0xff) j += 1;
        else break;
      }
      i = j;
    }
  }
  return null;
}

/** Offset just after the PNG IEND chunk; null if the chunk structure is broken. */
export function pngEnd(buf: Buffer): number | null {
  let i = 8;
  while (i + 12 <= buf.length) {
    const length = buf.readUInt32BE(i);
    const next = i + 12 + length;
    if (length > 0x7fffffff || next > buf.length) return null;
    if (buf.toString('latin1', i + 4, i + 8) === 'IEND') return next;
    i = next;
  }
  return null;
}

/** Offset just after the RIFF container of a WebP; null if the declared size is impossible. */
export function webpEnd(buf: Buffer): number | null {
  if (buf.length < 12) return null;
  const end = 8 + buf.readUInt32LE(4);
  return end <= buf.length ? end : end === buf.length + 1 ? buf.length : null; // odd size: optional pad byte
}

export function imageEnd(buf: Buffer, kind: 'jpeg' | 'png' | 'webp'): number | null {
  switch (kind) {
    case 'jpeg':
      return jpegEnd(buf);
    case 'png':
      return pngEnd(buf);
    case 'webp':
      return webpEnd(buf);
  }
}

// ------------------------------------------------------------------------------------ image metadata

const JPEG_HARMLESS_APP = new Set([0xe0, 0xee]); // APP0 (JFIF), APP14 (Adobe colour transform)
const PNG_ALLOWED_CHUNKS = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'gAMA',
  'cHRM',
  'sRGB',
  'sBIT',
  'bKGD',
  'pHYs',
]);
const WEBP_ALLOWED_CHUNKS = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF']);

/**
 * Names of the metadata containers in an encoded image (JPEG APPn/COM segments, PNG ancillary chunks, WebP
 * EXIF/XMP/ICCP chunks) beyond the few that carry no information about the person or the device. Used to
 * verify that a re-encoded image is clean before it is stored.
 */
export function listImageMetadata(buf: Buffer, kind: 'jpeg' | 'png' | 'webp'): string[] {
  const found: string[] = [];
  if (kind === 'jpeg') {
    let i = 2;
    while (i + 4 <= buf.length && buf[i] === 0xff) {
      const marker = buf[i + 1];
      if (marker === 0xda || marker === 0xd9) break;
      const length = buf.readUInt16BE(i + 2);
      if (((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) && !JPEG_HARMLESS_APP.has(marker)) {
        const label = buf.toString('latin1', i + 4, Math.min(i + 2 + length, i + 4 + 12)).split('\0')[0];
        found.push(marker === 0xfe ? 'COM' : `APP${marker - 0xe0}:${label}`);
      }
      i += 2 + length;
    }
  } else if (kind === 'png') {
    let i = 8;
    while (i + 12 <= buf.length) {
      const type = buf.toString('latin1', i + 4, i + 8);
      if (!PNG_ALLOWED_CHUNKS.has(type)) found.push(type);
      if (type === 'IEND') break;
      i += 12 + buf.readUInt32BE(i);
    }
  } else {
    let i = 12;
    while (i + 8 <= buf.length) {
      const type = buf.toString('latin1', i, i + 4);
      if (!WEBP_ALLOWED_CHUNKS.has(type)) found.push(type);
      const size = buf.readUInt32LE(i + 4);
      i += 8 + size + (size % 2);
    }
  }
  return found;
}
