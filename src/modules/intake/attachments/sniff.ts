import { isUtf8 } from 'node:buffer';
import type { AttachmentKind, RejectionReason } from './attachment.types.js';

export interface SniffResult {
  kind: AttachmentKind | null;
  /** Why the content is refused; set whenever `kind` is null. */
  refused?: RejectionReason;
}

const accept = (kind: AttachmentKind): SniffResult => ({ kind });
const refuse = (refused: RejectionReason): SniffResult => ({ kind: null, refused });

function startsWith(buf: Buffer, sig: readonly number[] | string, at = 0): boolean {
  const bytes = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : sig;
  if (buf.length < at + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (buf[at + i] !== bytes[i]) return false;
  return true;
}

// ------------------------------------------------------------------------------------------------ text
/** Valid UTF-8 without NUL or control characters (C0, DEL, C1) other than tab, CR and LF. */
export function isPlainText(buf: Buffer): boolean {
  if (!isUtf8(buf)) return false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false;
    // C1 controls U+0080–U+009F are encoded as C2 80–C2 9F (C2 is always a lead byte in valid UTF-8)
    if (b === 0xc2 && buf[i + 1] <= 0x9f) return false;
  }
  return true;
}

const MARKUP_MARKERS: ReadonlyArray<[string, 'svg' | 'html']> = [
  ['<svg', 'svg'],
  ['<html', 'html'],
  ['<!doctype', 'html'],
  ['<script', 'html'],
  ['<?xml', 'html'],
];

/**
 * SVG/HTML/XML: content that starts (after a BOM and whitespace) with `<` and contains one of the markup
 * markers. Browsers and viewers execute scripts in such files, so they are never stored.
 */
export function markupKind(buf: Buffer): 'svg' | 'html' | null {
  let i = startsWith(buf, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0a || buf[i] === 0x0d)) i++;
  if (buf[i] !== 0x3c) return null;
  const found = MARKUP_MARKERS.filter(([marker]) => indexOfAsciiCaseless(buf, marker) >= 0).map(([, k]) => k);
  if (found.length === 0) return null;
  return found.includes('svg') ? 'svg' : 'html';
}

/** Case-insensitive search for an ASCII needle in a byte buffer, without copying the buffer. */
export function indexOfAsciiCaseless(buf: Buffer, needle: string, from = 0): number {
  const lower = Buffer.from(needle.toLowerCase(), 'latin1');
  const first = lower[0];
  const firstUpper = Buffer.from(needle[0].toUpperCase(), 'latin1')[0];
  let i = from;
  while (i <= buf.length - lower.length) {
    const a = buf.indexOf(first, i);
    const b = first === firstUpper ? -1 : buf.indexOf(firstUpper, i);
    const at = a < 0 ? b : b < 0 ? a : Math.min(a, b);
    if (at < 0 || at > buf.length - lower.length) return -1;
    let ok = true;
    for (let j = 1; j < lower.length; j++) {
      const c = buf[at + j];
      // ASCII letters only: fold upper case to lower case
      const folded = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
      if (folded !== lower[j]) {
        ok = false;
        break;
      }
    }
    if (ok) return at;
    i = at + 1;
  }
  return -1;
}

// ------------------------------------------------------------------------------------------------- MP3
const BITRATES_KBPS: Record<string, readonly number[]> = {
  V1L1: [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  V1L2: [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  V1L3: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  V2L1: [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  V2L2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

/**
 * Length in bytes of the MPEG audio frame whose header starts at `at`, or 0 if there is no valid header
 * (frame sync, a real version and layer, a usable bitrate and sample rate). Free-format frames count as 0.
 */
export function mpegFrameLength(buf: Buffer, at: number): number {
  if (at + 4 > buf.length) return 0;
  const b1 = buf[at + 1];
  const b2 = buf[at + 2];
  if (buf[at] !== 0xff || (b1 & 0xe0) !== 0xe0) return 0;
  const version = (b1 >> 3) & 0x03; // 0 = 2.5, 1 = reserved, 2 = MPEG-2, 3 = MPEG-1
  const layerBits = (b1 >> 1) & 0x03; // 0 = reserved (AAC ADTS), 1 = III, 2 = II, 3 = I
  if (version === 1 || layerBits === 0) return 0;
  const layer = 4 - layerBits;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0x03;
  if (bitrateIndex === 0 || bitrateIndex === 0x0f || rateIndex === 3) return 0;
  const table = version === 3 ? `V1L${layer}` : layer === 1 ? 'V2L1' : 'V2L2';
  const bitrate = BITRATES_KBPS[table][bitrateIndex] * 1000;
  const sampleRate = SAMPLE_RATES[version][rateIndex];
  const padding = (b2 >> 1) & 0x01;
  if (layer === 1) return (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
  const factor = layer === 3 && version !== 3 ? 72 : 144;
  return Math.floor((factor * bitrate) / sampleRate) + padding;
}

function id3TagLength(buf: Buffer): number {
  // "ID3", major version 2..4, revision, flags, 4 synchsafe size bytes
  if (!startsWith(buf, 'ID3') || buf.length < 10) return 0;
  if (buf[3] < 2 || buf[3] > 4 || buf[4] === 0xff) return 0;
  const sizeBytes = buf.subarray(6, 10);
  if (sizeBytes.some((b) => b >= 0x80)) return 0;
  const size = (sizeBytes[0] << 21) | (sizeBytes[1] << 14) | (sizeBytes[2] << 7) | sizeBytes[3];
  const footer = buf[3] === 4 && (buf[5] & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/** An ID3 tag followed (within 4 KiB of padding) by an MPEG audio frame, or two consecutive frames. */
function isMp3(buf: Buffer): boolean {
  const tag = id3TagLength(buf);
  if (tag > 0) {
    const limit = Math.min(buf.length - 4, tag + 4096);
    for (let i = tag; i <= limit; i++) if (buf[i] === 0xff && mpegFrameLength(buf, i) > 0) return true;
    return false;
  }
  // Without an ID3 tag a single sync word is too weak (e.g. a UTF-16 BOM looks like one): require a second frame.
  const first = mpegFrameLength(buf, 0);
  return first > 0 && mpegFrameLength(buf, first) > 0;
}

// ------------------------------------------------------------------------------------------ ISO BMFF
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'mp42', 'isom']);
const HEIF_BRANDS = new Set([
  'heic',
  'heix',
  'heim',
  'heis',
  'hevc',
  'hevx',
  'hevm',
  'hevs',
  'mif1',
  'msf1',
  'avif',
  'avis',
]);

function isoBrands(buf: Buffer): string[] | null {
  if (buf.length < 16 || !startsWith(buf, 'ftyp', 4)) return null;
  const size = buf.readUInt32BE(0);
  if (size < 16 || size > 4096 || size > buf.length || size % 4 !== 0) return null;
  const brands = [buf.toString('latin1', 8, 12)];
  for (let i = 16; i + 4 <= size; i += 4) brands.push(buf.toString('latin1', i, i + 4));
  return brands;
}

// ------------------------------------------------------------------------------------------- refusals
function isExecutable(buf: Buffer): boolean {
  if (startsWith(buf, [0x7f, 0x45, 0x4c, 0x46])) return true; // ELF
  if (
    startsWith(buf, [0xfe, 0xed, 0xfa, 0xce]) || // Mach-O 32
    startsWith(buf, [0xfe, 0xed, 0xfa, 0xcf]) || // Mach-O 64
    startsWith(buf, [0xce, 0xfa, 0xed, 0xfe]) || // Mach-O 32, little endian
    startsWith(buf, [0xcf, 0xfa, 0xed, 0xfe]) || // Mach-O 64, little endian
    startsWith(buf, [0xca, 0xfe, 0xba, 0xbe]) // Mach-O universal / Java class
  ) {
    return true;
  }
  if (startsWith(buf, '#!') && !startsWith(buf, '#!AMR')) return true; // script with interpreter line
  // DOS/Windows executables always carry binary header fields; a text that merely begins with "MZ" is text.
  if (startsWith(buf, 'MZ') && !isPlainText(buf)) return true;
  return false;
}

function isArchive(buf: Buffer): boolean {
  return (
    startsWith(buf, 'PK\x03\x04') ||
    startsWith(buf, 'PK\x05\x06') || // empty ZIP
    startsWith(buf, 'PK\x07\x08') || // spanned ZIP
    startsWith(buf, 'Rar!\x1a\x07') ||
    startsWith(buf, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) || // 7z
    startsWith(buf, [0x1f, 0x8b]) || // gzip
    (startsWith(buf, 'BZh') &&
      buf[3] >= 0x31 &&
      buf[3] <= 0x39 &&
      (startsWith(buf, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4) ||
        startsWith(buf, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90], 4))) || // bzip2 block or end-of-stream magic
    startsWith(buf, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) || // xz
    startsWith(buf, [0x28, 0xb5, 0x2f, 0xfd]) || // zstd
    startsWith(buf, 'MSCF\0\0\0\0') || // Microsoft cabinet
    startsWith(buf, 'ustar', 257) // tar
  );
}

/**
 * Decides the type of an upload from its bytes alone. Returns an accepted kind, or `kind: null` with the
 * reason for refusing it. Does not look for hidden payloads (see `findEmbeddedPayload`).
 */
export function sniff(buf: Buffer): SniffResult {
  if (buf.length === 0) return refuse('empty');
  if (isExecutable(buf)) return refuse('executable');
  if (isArchive(buf)) return refuse('archive');

  if (startsWith(buf, '%PDF-')) return accept('pdf');
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return accept('jpeg');
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return accept('png');
  if (startsWith(buf, 'RIFF') && startsWith(buf, 'WEBP', 8)) return accept('webp');
  if (startsWith(buf, 'OggS\0')) return accept('ogg');

  const brands = isoBrands(buf);
  if (brands) {
    if (brands.some((b) => HEIF_BRANDS.has(b))) return refuse('heic');
    if (brands.some((b) => AUDIO_BRANDS.has(b))) return accept('m4a');
    return refuse('unknown_type');
  }
  if (isMp3(buf)) return accept('mp3');

  const markup = markupKind(buf);
  if (markup) return refuse(markup);
  if (isPlainText(buf)) return accept('text');
  return refuse('unknown_type');
}
