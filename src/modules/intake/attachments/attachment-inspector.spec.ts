import { Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import {
  closedPort,
  EICAR,
  startFakeClamd,
  type FakeClamd,
} from '../../../../test/fixtures/attachments/fake-clamd.js';
import { DomainError } from '../../../common/errors/domain-error.js';
import { AttachmentInspector } from './attachment-inspector.js';
import { AttachmentRejected } from './attachment-rejected.error.js';
import { REJECTION_REASONS, type AcceptedAttachment, type RejectionReason } from './attachment.types.js';
import { listImageMetadata } from './polyglot.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/attachments/', import.meta.url));
const fixture = (name: string) => readFileSync(FIXTURES + name);
const MB = 1024 * 1024;

async function rejection(promise: Promise<AcceptedAttachment>): Promise<AttachmentRejected> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AttachmentRejected) return err;
    throw err;
  }
  throw new Error('expected the attachment to be rejected');
}

// ------------------------------------------------------------------------ a minimal EXIF/TIFF reader
interface Tiff {
  buf: Buffer;
  le: boolean;
}
const u16 = (t: Tiff, at: number) => (t.le ? t.buf.readUInt16LE(at) : t.buf.readUInt16BE(at));
const u32 = (t: Tiff, at: number) => (t.le ? t.buf.readUInt32LE(at) : t.buf.readUInt32BE(at));

function ifdEntries(t: Tiff, offset: number): Map<number, { type: number; count: number; valueAt: number }> {
  const entries = new Map<number, { type: number; count: number; valueAt: number }>();
  const n = u16(t, offset);
  for (let i = 0; i < n; i++) {
    const at = offset + 2 + i * 12;
    const type = u16(t, at + 2);
    const count = u32(t, at + 4);
    const size = ({ 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 } as Record<number, number>)[type] * count;
    entries.set(u16(t, at), { type, count, valueAt: size <= 4 ? at + 8 : u32(t, at + 8) });
  }
  return entries;
}

/** GPS tags and latitude (degrees) from a TIFF/EXIF block, or null when there is no GPS IFD. */
function readGps(tiffBlock: Buffer): { tags: number[]; latitude: number } | null {
  const t: Tiff = { buf: tiffBlock, le: tiffBlock.toString('latin1', 0, 2) === 'II' };
  const ifd0 = ifdEntries(t, u32(t, 4));
  const pointer = ifd0.get(0x8825);
  if (!pointer) return null;
  const gps = ifdEntries(t, u32(t, pointer.valueAt));
  const lat = gps.get(0x0002);
  const rational = (i: number) => u32(t, lat!.valueAt + i * 8) / u32(t, lat!.valueAt + i * 8 + 4);
  const latitude = lat ? rational(0) + rational(1) / 60 + rational(2) / 3600 : NaN;
  return { tags: [...gps.keys()].sort((a, b) => a - b), latitude };
}

/** Every EXIF block in a JPEG's APP1 segments (before the image data). */
function jpegExifBlocks(jpeg: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  let i = 2;
  while (i + 4 <= jpeg.length && jpeg[i] === 0xff && jpeg[i + 1] !== 0xda) {
    const length = jpeg.readUInt16BE(i + 2);
    const payload = jpeg.subarray(i + 4, i + 2 + length);
    if (jpeg[i + 1] === 0xe1 && payload.toString('latin1', 0, 6) === 'Exif\0\0')
      blocks.push(payload.subarray(6));
    i += 2 + length;
  }
  return blocks;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([header, typeAndData, crc]);
}

const inspector = new AttachmentInspector({ maxBytes: 5 * MB });

beforeAll(() => Logger.overrideLogger(false)); // rejections are logged; keep the test output readable

describe('AttachmentInspector: images are re-encoded without metadata', () => {
  it('removes EXIF incl. GPS, XMP, ICC and comments from a JPEG and applies the orientation', async () => {
    const input = fixture('photo-gps.jpg');
    // the input demonstrably carries a location (Halle, 51° 28' 54" N) and other metadata
    const [exif] = jpegExifBlocks(input);
    expect(readGps(exif)).toEqual({ tags: [0, 1, 2, 3, 4], latitude: expect.closeTo(51.4817, 3) });
    const before = await sharp(input).metadata();
    expect(before).toMatchObject({ width: 64, height: 48, orientation: 6 });
    expect(before.exif).toBeDefined();
    expect(before.icc).toBeDefined();
    expect(before.xmp).toBeDefined();

    const result = await inspector.inspect(input);

    expect(result).toMatchObject({ kind: 'jpeg', mime: 'image/jpeg', extension: 'jpg', reencoded: true });
    expect(result.size).toBe(result.data.length);
    expect(jpegExifBlocks(result.data)).toEqual([]);
    expect(result.data.includes('Exif\0\0')).toBe(false);
    expect(result.data.includes('SECRET-MARKER')).toBe(false);
    expect(result.data.includes('ICC_PROFILE')).toBe(false);
    expect(result.data.includes('http://ns.adobe.com/xap')).toBe(false);
    expect(listImageMetadata(result.data, 'jpeg')).toEqual([]);
    const after = await sharp(result.data).metadata();
    expect(after.format).toBe('jpeg');
    expect(after.exif).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.comments).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    // orientation 6 (rotate 90° clockwise) was applied to the pixels before EXIF was dropped
    expect([after.width, after.height]).toEqual([48, 64]);
  });

  it('removes tEXt, iTXt and eXIf chunks from a PNG', async () => {
    const input = fixture('text-chunk.png');
    expect(input.includes('SECRET-MARKER-PNG')).toBe(true);
    const result = await inspector.inspect(input);
    expect(result).toMatchObject({ kind: 'png', mime: 'image/png', extension: 'png', reencoded: true });
    expect(listImageMetadata(result.data, 'png')).toEqual([]);
    for (const chunk of ['tEXt', 'iTXt', 'zTXt', 'eXIf', 'iCCP', 'tIME'])
      expect(result.data.includes(chunk)).toBe(false);
    expect(result.data.includes('SECRET-MARKER')).toBe(false);
    const after = await sharp(result.data).metadata();
    expect(after.comments).toBeUndefined();
    expect(after.exif).toBeUndefined();
    expect([after.width, after.height]).toEqual([40, 30]);
  });

  it('removes the EXIF chunk from a WebP', async () => {
    const input = fixture('exif.webp');
    expect(input.includes('SECRET-MARKER-WEBP')).toBe(true);
    const result = await inspector.inspect(input);
    expect(result).toMatchObject({ kind: 'webp', mime: 'image/webp', extension: 'webp', reencoded: true });
    expect(listImageMetadata(result.data, 'webp')).toEqual([]);
    expect(result.data.includes('SECRET-MARKER')).toBe(false);
    expect((await sharp(result.data).metadata()).exif).toBeUndefined();
  });

  it('caps the long side at 4000 px', async () => {
    const wide = await sharp({ create: { width: 5000, height: 20, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const result = await inspector.inspect(wide);
    const after = await sharp(result.data).metadata();
    expect([after.width, after.height]).toEqual([4000, 16]);
  });

  it('refuses a decompression bomb before decoding it', async () => {
    // a tiny PNG whose header claims 100 000 × 100 000 pixels
    const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const ihdr = Buffer.from(png.subarray(16, 29));
    ihdr.writeUInt32BE(100_000, 0);
    ihdr.writeUInt32BE(100_000, 4);
    const bomb = Buffer.concat([png.subarray(0, 8), pngChunk('IHDR', ihdr), png.subarray(33)]);
    expect((await rejection(inspector.inspect(bomb))).reason).toBe('unreadable_image');
  });

  it('re-encodes many images concurrently through a bounded number of slots', async () => {
    const limited = new AttachmentInspector({ maxBytes: MB, maxConcurrentImages: 1 });
    const inputs = ['photo-gps.jpg', 'text-chunk.png', 'exif.webp', 'photo-gps.jpg'].map(fixture);
    const results = await Promise.all(inputs.map((b) => limited.inspect(b)));
    expect(results.map((r) => r.kind)).toEqual(['jpeg', 'png', 'webp', 'jpeg']);
    // a failing image releases its slot
    await rejection(limited.inspect(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0])));
    await expect(limited.inspect(fixture('exif.webp'))).resolves.toMatchObject({ kind: 'webp' });
  });

  it('honours a lower pixel limit', async () => {
    const small = new AttachmentInspector({ maxBytes: MB, maxInputPixels: 1000 });
    expect((await rejection(small.inspect(fixture('photo-gps.jpg')))).reason).toBe('unreadable_image');
  });

  it('refuses an image sharp cannot decode', async () => {
    const broken = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
      Buffer.from('JFIF\0 garbage'),
    ]);
    expect((await rejection(inspector.inspect(broken))).reason).toBe('unreadable_image');
    const png = fixture('text-chunk.png');
    const truncated = png.subarray(0, 120);
    expect((await rejection(inspector.inspect(truncated))).reason).toBe('unreadable_image');
  });
});

describe('AttachmentInspector: other accepted files are stored unchanged', () => {
  it.each([
    ['tiny.pdf', 'pdf', 'application/pdf', 'pdf'],
    ['arabic.txt', 'text', 'text/plain; charset=utf-8', 'txt'],
    ['tiny.mp3', 'mp3', 'audio/mpeg', 'mp3'],
    ['opus-head.ogg', 'ogg', 'audio/ogg', 'ogg'],
    ['tiny.m4a', 'm4a', 'audio/mp4', 'm4a'],
  ])('%s → %s', async (name, kind, mime, extension) => {
    const input = fixture(name);
    const result = await inspector.inspect(input);
    expect(result).toEqual({ kind, mime, extension, data: input, size: input.length, reencoded: false });
  });
});

describe('AttachmentInspector: refusals', () => {
  it.each<[string, RejectionReason]>([
    ['script.svg', 'svg'],
    ['page-html.txt', 'html'],
    ['archive.zip', 'archive'],
    ['elf-renamed.jpg', 'executable'],
    ['pe-renamed.jpg', 'executable'],
    ['photo.heic', 'heic'],
    ['photo.avif', 'heic'],
    ['polyglot-zip.pdf', 'polyglot'],
    ['jpeg-zip-polyglot.jpg', 'polyglot'],
  ])('%s → %s', async (name, reason) => {
    const err = await rejection(inspector.inspect(fixture(name)));
    expect(err.reason).toBe(reason);
    expect(err.messageKey).toBe(`intake.attachments.errors.${reason}`);
    expect(err.code).toBe('validation');
    expect(err.status).toBe(422);
    expect(err).toBeInstanceOf(DomainError);
  });

  it.each<[string, Buffer]>([
    ['a text with a script tag inside', Buffer.from('Bericht vom Montag.\n<script>fetch("//x")</script>\n')],
    [
      'a PDF with a Windows executable appended',
      Buffer.concat([fixture('tiny.pdf'), fixture('pe-renamed.jpg')]),
    ],
    ['a PDF with HTML inside', Buffer.concat([fixture('tiny.pdf'), Buffer.from('<HTML><body>')])],
    ['an MP3 with a ZIP appended', Buffer.concat([fixture('tiny.mp3'), fixture('archive.zip')])],
    ['a PNG with an ELF appended', Buffer.concat([fixture('text-chunk.png'), fixture('elf-renamed.jpg')])],
    ['a WebP with a ZIP appended', Buffer.concat([fixture('exif.webp'), fixture('archive.zip')])],
  ])('refuses %s as a polyglot', async (_name, data) => {
    expect((await rejection(inspector.inspect(data))).reason).toBe('polyglot');
  });

  it('drops harmless trailing bytes after an image by re-encoding it', async () => {
    const jpeg = Buffer.concat([
      fixture('photo-gps.jpg'),
      Buffer.from('trailing camera data, not a payload'),
    ]);
    const result = await inspector.inspect(jpeg);
    expect(result.data.includes('trailing camera data')).toBe(false);
  });

  it('refuses a file above maxBytes before looking at it (413)', async () => {
    const small = new AttachmentInspector({ maxBytes: 2 * MB });
    const err = await rejection(small.inspect(Buffer.alloc(2 * MB + 1, 0x61)));
    expect(err.reason).toBe('too_large');
    expect(err.code).toBe('payload_too_large');
    expect(err.status).toBe(413);
    expect(err.params).toEqual({ max: 2 });
    expect(err.messageKey).toBe('intake.attachments.errors.too_large');
  });

  it('accepts a file of exactly maxBytes', async () => {
    const text = Buffer.alloc(1000, 0x61);
    await expect(new AttachmentInspector({ maxBytes: 1000 }).inspect(text)).resolves.toMatchObject({
      kind: 'text',
    });
  });

  it('refuses an empty file', async () => {
    const err = await rejection(inspector.inspect(Buffer.alloc(0)));
    expect(err.reason).toBe('empty');
    expect(err.code).toBe('validation');
  });

  it('rejects a nonsensical maxBytes at construction', () => {
    expect(() => new AttachmentInspector({ maxBytes: 0 })).toThrow(/maxBytes/);
  });

  it('maps every reason to a message key and an error code', () => {
    for (const reason of REJECTION_REASONS) {
      const err = new AttachmentRejected(reason, {}, 'files');
      expect(err.messageKey).toBe(`intake.attachments.errors.${reason}`);
      expect(err.fields).toEqual([{ field: 'files', messageKey: err.messageKey, params: {} }]);
      const expected =
        reason === 'too_large'
          ? 'payload_too_large'
          : reason === 'scanner_unavailable'
            ? 'unavailable'
            : 'validation';
      expect(err.code).toBe(expected);
    }
  });
});

describe('AttachmentInspector with clamd', () => {
  let clamd: FakeClamd;
  beforeEach(async () => {
    clamd = await startFakeClamd();
  });
  afterEach(async () => {
    await clamd.close();
  });
  const withClamd = (port: number, timeoutMs = 2000) =>
    new AttachmentInspector({ maxBytes: 5 * MB, clamd: { host: '127.0.0.1', port, timeoutMs } });

  it('accepts a clean file after scanning it', async () => {
    await expect(withClamd(clamd.port).inspect(fixture('tiny.pdf'))).resolves.toMatchObject({ kind: 'pdf' });
    expect(clamd.scans).toBe(1);
  });

  it('scans an image before decoding and the re-encoded result', async () => {
    const result = await withClamd(clamd.port).inspect(fixture('photo-gps.jpg'));
    expect(result.reencoded).toBe(true);
    expect(clamd.scans).toBe(2);
  });

  it('refuses an infected file', async () => {
    const err = await rejection(withClamd(clamd.port).inspect(EICAR));
    expect(err.reason).toBe('infected');
    expect(err.code).toBe('validation');
  });

  it('fails closed when the scanner is down (503)', async () => {
    const err = await rejection(withClamd(await closedPort()).inspect(fixture('arabic.txt')));
    expect(err.reason).toBe('scanner_unavailable');
    expect(err.code).toBe('unavailable');
    expect(err.status).toBe(503);
  });

  it('fails closed when the scanner does not answer in time', async () => {
    const silent = await startFakeClamd({ silent: true });
    try {
      const err = await rejection(withClamd(silent.port, 150).inspect(fixture('tiny.pdf')));
      expect(err.reason).toBe('scanner_unavailable');
    } finally {
      await silent.close();
    }
  });

  it('does not scan refused files', async () => {
    await rejection(withClamd(clamd.port).inspect(fixture('archive.zip')));
    expect(clamd.scans).toBe(0);
  });
});
