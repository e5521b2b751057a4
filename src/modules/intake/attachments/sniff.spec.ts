import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findEmbeddedPayload, imageEnd, jpegEnd, listImageMetadata, pngEnd, webpEnd } from './polyglot.js';
import { indexOfAsciiCaseless, markupKind, mpegFrameLength, sniff } from './sniff.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/attachments/', import.meta.url));
const fixture = (name: string) => readFileSync(FIXTURES + name);
const bytes = (...parts: Array<string | number[] | Buffer>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** Two MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz (417 bytes each), without an ID3 tag. */
function twoMpegFrames(): Buffer {
  const frame = Buffer.alloc(417);
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  return Buffer.concat([frame, frame]);
}

describe('sniff: by content, never by name', () => {
  it.each([
    ['photo-gps.jpg', 'jpeg'],
    ['text-chunk.png', 'png'],
    ['exif.webp', 'webp'],
    ['tiny.pdf', 'pdf'],
    ['arabic.txt', 'text'],
    ['tiny.mp3', 'mp3'],
    ['opus-head.ogg', 'ogg'],
    ['tiny.m4a', 'm4a'],
    // polyglots look like their outer type; the inspector catches the hidden part
    ['polyglot-zip.pdf', 'pdf'],
    ['jpeg-zip-polyglot.jpg', 'jpeg'],
  ])('accepts %s as %s', (name, kind) => {
    expect(sniff(fixture(name))).toEqual({ kind });
  });

  it.each([
    ['script.svg', 'svg'],
    ['page-html.txt', 'html'],
    ['archive.zip', 'archive'],
    ['elf-renamed.jpg', 'executable'],
    ['pe-renamed.jpg', 'executable'],
    ['photo.heic', 'heic'],
    ['photo.avif', 'heic'],
  ])('refuses %s as %s', (name, refused) => {
    expect(sniff(fixture(name))).toEqual({ kind: null, refused });
  });

  it.each<[string, Buffer, string]>([
    ['gzip', bytes([0x1f, 0x8b, 0x08, 0x00], 'rest'), 'archive'],
    ['7z', bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), 'archive'],
    ['rar', bytes('Rar!\x1a\x07\x01\x00'), 'archive'],
    ['xz', bytes([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]), 'archive'],
    ['bzip2', bytes('BZh9', [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 'x'), 'archive'],
    ['empty zip', bytes('PK\x05\x06', Buffer.alloc(18)), 'archive'],
    [
      'tar',
      Buffer.concat([Buffer.from('bericht.txt'), Buffer.alloc(246), Buffer.from('ustar\x0000')]),
      'archive',
    ],
    ['Mach-O 64', bytes([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), 'executable'],
    ['Mach-O 32 BE', bytes([0xfe, 0xed, 0xfa, 0xce, 0, 0, 0, 7]), 'executable'],
    ['Mach-O universal / Java class', bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]), 'executable'],
    ['shell script', bytes('#!/bin/sh\nrm -rf ~\n'), 'executable'],
    ['DOS executable without PE', bytes('MZ', [0x90, 0, 3, 0, 0, 0]), 'executable'],
    [
      'AMR voice memo (starts with "#!" but is no script)',
      bytes('#!AMR\n', [0x3c, 0x91, 0x17]),
      'unknown_type',
    ],
    [
      'XML-declared SVG',
      Buffer.from('\ufeff<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', 'utf8'),
      'svg',
    ],
    ['SVG in upper case', bytes('  <SVG onload="alert(1)"></SVG>'), 'svg'],
    ['plain XML', bytes('<?xml version="1.0"?><note>x</note>'), 'html'],
    ['HTML fragment', bytes('<p>Hallo</p><script>alert(1)</script>'), 'html'],
    [
      'UTF-16LE text (no MP3 despite FF FE)',
      Buffer.from('\ufeffHallo Welt, das ist UTF-16', 'utf16le'),
      'unknown_type',
    ],
    ['Latin-1 text (not UTF-8)', bytes('Stra\xdfe'), 'unknown_type'],
    ['text with a BEL control character', bytes('Hallo\x07Welt'), 'unknown_type'],
    ['text with a C1 control character', Buffer.from('Hallo\u0085Welt', 'utf8'), 'unknown_type'],
    ['text with NUL', bytes('Hallo\0Welt'), 'unknown_type'],
    ['RIFF WAVE', bytes('RIFF', [36, 0, 0, 0], 'WAVEfmt '), 'unknown_type'],
    ['QuickTime movie', bytes([0, 0, 0, 20], 'ftypqt  ', [0, 0, 0, 0], 'qt  '), 'unknown_type'],
    ['ISO BMFF with mif1 only', bytes([0, 0, 0, 20], 'ftypmif1', [0, 0, 0, 0], 'mif1'), 'heic'],
    ['a single MPEG frame without ID3', twoMpegFrames().subarray(0, 417), 'unknown_type'],
    [
      'ID3 tag followed by nothing playable',
      bytes('ID3', [4, 0, 0, 0, 0, 0, 0], Buffer.alloc(40)),
      'unknown_type',
    ],
    ['random bytes', Buffer.from([0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]), 'unknown_type'],
  ])('refuses %s', (_name, data, refused) => {
    expect(sniff(data)).toEqual({ kind: null, refused });
  });

  it.each<[string, Buffer, string]>([
    ['two MPEG frames without ID3', twoMpegFrames(), 'mp3'],
    ['M4A with isom as compatible brand', bytes([0, 0, 0, 20], 'ftypXXXX', [0, 0, 0, 0], 'isom'), 'm4a'],
    ['M4B audiobook', bytes([0, 0, 0, 16], 'ftypM4B ', [0, 0, 0, 0]), 'm4a'],
    ['text that starts with "MZ"', Buffer.from('MZ ist die Abkürzung, die im Brief stand.', 'utf8'), 'text'],
    ['text that starts with "<" but is no markup', Buffer.from('<3 danke für eure Hilfe', 'utf8'), 'text'],
    ['Ukrainian text', Buffer.from('Мене не пустили в клуб через моє походження.\n', 'utf8'), 'text'],
    ['Farsi text with tabs and CRLF', Buffer.from('سلام\tدوست\r\nمتن', 'utf8'), 'text'],
  ])('accepts %s', (_name, data, kind) => {
    expect(sniff(data)).toEqual({ kind });
  });

  it('refuses empty input', () => {
    expect(sniff(Buffer.alloc(0))).toEqual({ kind: null, refused: 'empty' });
  });
});

describe('sniff helpers', () => {
  it('computes MPEG frame lengths and rejects invalid headers', () => {
    expect(mpegFrameLength(Buffer.from([0xff, 0xfb, 0x90, 0x64]), 0)).toBe(417); // MPEG-1 L3 128k 44.1k
    expect(mpegFrameLength(Buffer.from([0xff, 0xfb, 0x92, 0x64]), 0)).toBe(418); // + padding
    expect(mpegFrameLength(Buffer.from([0xff, 0xf3, 0x90, 0x64]), 0)).toBe(261); // MPEG-2 L3 80k 22.05k
    expect(mpegFrameLength(Buffer.from([0xff, 0xf1, 0x50, 0x80]), 0)).toBe(0); // AAC ADTS (layer 00)
    expect(mpegFrameLength(Buffer.from([0xff, 0xeb, 0x90, 0x64]), 0)).toBe(0); // reserved version
    expect(mpegFrameLength(Buffer.from([0xff, 0xfb, 0xf0, 0x64]), 0)).toBe(0); // bad bitrate
    expect(mpegFrameLength(Buffer.from([0xff, 0xfb, 0x9c, 0x64]), 0)).toBe(0); // reserved sample rate
    expect(mpegFrameLength(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 0)).toBe(0); // JPEG
  });

  it('finds ASCII case-insensitively', () => {
    expect(indexOfAsciiCaseless(Buffer.from('abc <ScRiPt>'), '<script')).toBe(4);
    expect(indexOfAsciiCaseless(Buffer.from('<scrip'), '<script')).toBe(-1);
    expect(indexOfAsciiCaseless(Buffer.from('x<html><HTML'), '<html', 2)).toBe(7);
  });

  it('recognises markup only when the content starts with "<"', () => {
    expect(markupKind(Buffer.from('Er sagte <html> sei kein Beruf'))).toBeNull();
    expect(markupKind(Buffer.from('\ufeff \n<!DOCTYPE html><p>'))).toBe('html');
  });
});

describe('polyglot detection', () => {
  const zip = fixture('archive.zip');
  const pe = fixture('pe-renamed.jpg');
  const elf = fixture('elf-renamed.jpg');

  it('finds a ZIP, a PE and an ELF executable and script markup inside other data', () => {
    const filler = Buffer.alloc(1000, 0x20);
    expect(findEmbeddedPayload(Buffer.concat([filler, zip, filler]))).toBe('zip');
    expect(findEmbeddedPayload(Buffer.concat([filler, pe, filler]))).toBe('pe');
    expect(findEmbeddedPayload(Buffer.concat([filler, elf, filler]))).toBe('elf');
    expect(findEmbeddedPayload(Buffer.from('Text … <SCRIPT src=x></SCRIPT>'))).toBe('markup');
    expect(findEmbeddedPayload(Buffer.from('Text … <Html>'))).toBe('markup');
  });

  it('finds only the ZIP central directory or end record too', () => {
    const central = zip.subarray(zip.indexOf('PK\x01\x02'));
    expect(findEmbeddedPayload(Buffer.concat([Buffer.alloc(100), central]))).toBe('zip');
    const end = zip.subarray(zip.indexOf('PK\x05\x06'));
    expect(findEmbeddedPayload(Buffer.concat([Buffer.alloc(100), end]))).toBe('zip');
  });

  it('ignores signatures that appear by chance in compressed data', () => {
    // "PK\3\4" followed by an impossible version and method; "MZ" without a PE header; "\x7fELF" with junk
    const noise = bytes(
      'xxPK\x03\x04',
      [0xff, 0xff, 0, 0, 0x77, 0x77],
      'MZ',
      Buffer.alloc(70, 0x41),
      '\x7fELF',
      [9, 9, 9],
    );
    expect(findEmbeddedPayload(noise)).toBeNull();
    expect(findEmbeddedPayload(fixture('tiny.pdf'))).toBeNull();
    expect(findEmbeddedPayload(fixture('arabic.txt'))).toBeNull();
    expect(findEmbeddedPayload(fixture('tiny.mp3'))).toBeNull();
  });

  it('finds the end of JPEG, PNG and WebP images', () => {
    const jpeg = fixture('photo-gps.jpg');
    const png = fixture('text-chunk.png');
    const webp = fixture('exif.webp');
    expect(jpegEnd(jpeg)).toBe(jpeg.length);
    expect(pngEnd(png)).toBe(png.length);
    expect(webpEnd(webp)).toBe(webp.length);
    const polyglot = fixture('jpeg-zip-polyglot.jpg');
    const end = imageEnd(polyglot, 'jpeg');
    expect(end).not.toBeNull();
    expect(end).toBeLessThan(polyglot.length);
    expect(polyglot.subarray(end!, end! + 4).toString('latin1')).toBe('PK\x03\x04');
    expect(jpegEnd(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]))).toBeNull();
  });

  it('lists the metadata containers of the sample images', () => {
    expect(listImageMetadata(fixture('photo-gps.jpg'), 'jpeg')).toEqual(
      expect.arrayContaining(['APP1:Exif', 'APP1:http://ns.ad', 'APP2:ICC_PROFILE', 'COM']),
    );
    expect(listImageMetadata(fixture('text-chunk.png'), 'png')).toEqual(['tEXt', 'iTXt', 'eXIf']);
    expect(listImageMetadata(fixture('exif.webp'), 'webp')).toEqual(['EXIF']);
  });
});
