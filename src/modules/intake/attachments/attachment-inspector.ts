import { Inject, Injectable, Logger } from '@nestjs/common';
import sharp from 'sharp';
import { AttachmentRejected } from './attachment-rejected.error.js';
import {
  ATTACHMENT_KINDS,
  isImageKind,
  type AcceptedAttachment,
  type AttachmentKind,
  type ImageKind,
  type RejectionReason,
} from './attachment.types.js';
import { ClamdClient, ScannerUnavailableError } from './clamd-client.js';
import { findEmbeddedPayload, imageEnd, listImageMetadata } from './polyglot.js';
import { sniff } from './sniff.js';

export interface AttachmentInspectorOptions {
  /** Largest accepted upload in bytes (checked before anything is parsed). */
  maxBytes: number;
  /** clamd to scan every accepted file with; without it, no virus scan happens. */
  clamd?: { host: string; port: number; timeoutMs?: number };
  /** Longest side of a re-encoded image in pixels (default 4000). */
  maxImageDimension?: number;
  /** Refuse images with more pixels than this before decoding them (default 50 megapixels). */
  maxInputPixels?: number;
  /** Give up re-encoding one image after this many seconds (default 20). */
  imageTimeoutSeconds?: number;
  /** Images decoded at the same time; further ones wait (bounds memory under load; default 2). */
  maxConcurrentImages?: number;
}

/** Injection token for AttachmentInspectorOptions (see AttachmentsModule). */
export const ATTACHMENT_INSPECTOR_OPTIONS = Symbol('ATTACHMENT_INSPECTOR_OPTIONS');

const DEFAULT_MAX_DIMENSION = 4000;
const DEFAULT_MAX_INPUT_PIXELS = 50_000_000; // 48 MP phone cameras (8064 × 6048) still fit
const DEFAULT_IMAGE_TIMEOUT_SECONDS = 20;
const DEFAULT_MAX_CONCURRENT_IMAGES = 2;

/** Sizes in logs are rounded up to whole KiB: enough for operations, less of a fingerprint. */
const kib = (bytes: number) => `${Math.ceil(bytes / 1024)}KiB`;

/** A minimal counting semaphore. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}

/**
 * Decides whether an upload from the public report form may be stored, and returns the version to store.
 *
 * - The type is decided by content alone (file names are never looked at; the caller generates one from
 *   `extension`). Executables, archives, SVG/HTML, HEIC/AVIF and anything unknown are refused.
 * - PDFs, text and audio are stored unchanged, so they must not hide a second format (ZIP, executable,
 *   HTML/script): such "polyglots" are refused.
 * - Images are decoded and re-encoded by sharp/libvips: orientation applied, size capped, and no metadata
 *   (EXIF incl. GPS, XMP, ICC, comments, PNG text chunks) survives. Data appended after the image end is
 *   dropped by that, but a ZIP/executable/HTML appended to an image is refused outright.
 * - With clamd configured, the bytes are scanned (images before decoding and again after re-encoding);
 *   when the scanner does not answer the file is refused (fail closed).
 *
 * Logs contain only kind, size and reason, never names or content.
 */
@Injectable()
export class AttachmentInspector {
  private readonly logger = new Logger(AttachmentInspector.name);
  private readonly clamd?: ClamdClient;
  private readonly maxDimension: number;
  private readonly maxInputPixels: number;
  private readonly imageTimeoutSeconds: number;
  private readonly imageSlots: Slots;

  constructor(@Inject(ATTACHMENT_INSPECTOR_OPTIONS) private readonly opts: AttachmentInspectorOptions) {
    if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes <= 0) {
      throw new Error('AttachmentInspector: maxBytes must be a positive integer');
    }
    this.maxDimension = opts.maxImageDimension ?? DEFAULT_MAX_DIMENSION;
    this.maxInputPixels = opts.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
    this.imageTimeoutSeconds = opts.imageTimeoutSeconds ?? DEFAULT_IMAGE_TIMEOUT_SECONDS;
    this.imageSlots = new Slots(Math.max(1, opts.maxConcurrentImages ?? DEFAULT_MAX_CONCURRENT_IMAGES));
    if (opts.clamd) this.clamd = new ClamdClient(opts.clamd.host, opts.clamd.port, opts.clamd.timeoutMs);
    // libvips keeps recently decoded images in an operation cache; reporters' photos must not linger there.
    sharp.cache(false);
  }

  /** Throws AttachmentRejected when the file may not be stored. */
  async inspect(data: Buffer): Promise<AcceptedAttachment> {
    if (data.length > this.opts.maxBytes) this.reject('too_large', data.length);
    if (data.length === 0) this.reject('empty', 0);

    const sniffed = sniff(data);
    if (!sniffed.kind) this.reject(sniffed.refused ?? 'unknown_type', data.length);
    const kind: AttachmentKind = sniffed.kind;

    let output: Buffer;
    let reencoded = false;
    if (isImageKind(kind)) {
      const end = imageEnd(data, kind);
      if (end !== null && end < data.length && findEmbeddedPayload(data, end)) {
        this.reject('polyglot', data.length, kind);
      }
      await this.scan(data, kind); // before libvips parses untrusted bytes
      output = await this.imageSlots.run(() => this.reencode(data, kind));
      reencoded = true;
      if (output.length > this.opts.maxBytes) this.reject('too_large', output.length, kind);
    } else {
      if (findEmbeddedPayload(data)) this.reject('polyglot', data.length, kind);
      output = data;
    }
    await this.scan(output, kind);

    const { mime, extension } = ATTACHMENT_KINDS[kind];
    this.logger.debug(`attachment accepted: kind=${kind} size=${kib(output.length)} reencoded=${reencoded}`);
    return { kind, mime, extension, data: output, size: output.length, reencoded };
  }

  private async reencode(data: Buffer, kind: ImageKind): Promise<Buffer> {
    let output: Buffer;
    try {
      const image = sharp(data, {
        limitInputPixels: this.maxInputPixels,
        // 'error' rather than 'warning': phone cameras often write JPEGs that only trigger warnings
        // ("extraneous bytes before marker"); real decoding errors and truncation still abort.
        failOn: 'error',
        sequentialRead: true,
        pages: 1,
      });
      const meta = await image.metadata();
      if (meta.format !== kind) throw new Error('decoded format differs from sniffed type');
      const pipeline = image
        .rotate() // apply the EXIF orientation before the EXIF block is dropped
        .resize({
          width: this.maxDimension,
          height: this.maxDimension,
          fit: 'inside',
          withoutEnlargement: true,
        })
        .timeout({ seconds: this.imageTimeoutSeconds });
      // No keepMetadata/withMetadata/keepExif/keepIccProfile: sharp writes no metadata by default.
      switch (kind) {
        case 'jpeg':
          pipeline.jpeg({ quality: 85, chromaSubsampling: '4:2:0', mozjpeg: false });
          break;
        case 'png':
          pipeline.png({ compressionLevel: 9, adaptiveFiltering: true });
          break;
        case 'webp':
          pipeline.webp({ quality: 85 });
          break;
      }
      output = await pipeline.toBuffer();
    } catch {
      // sharp's message is not logged: it is not needed and must never carry anything from the file.
      this.reject('unreadable_image', data.length, kind);
    }
    // Defence in depth: a sharp/libvips upgrade that started copying metadata must not leak a location.
    const leftovers = listImageMetadata(output, kind);
    if (sniff(output).kind !== kind || leftovers.length > 0) {
      this.logger.error(`re-encoded ${kind} still carries metadata (${leftovers.join(', ')}); refusing it`);
      this.reject('unreadable_image', data.length, kind);
    }
    return output;
  }

  private async scan(data: Buffer, kind: AttachmentKind): Promise<void> {
    if (!this.clamd) return;
    let result;
    try {
      result = await this.clamd.scan(data);
    } catch (err) {
      const detail = err instanceof ScannerUnavailableError ? err.message : 'unexpected error';
      this.logger.warn(`virus scanner unavailable (${detail}); refusing the attachment`);
      this.reject('scanner_unavailable', data.length, kind);
    }
    if (result !== 'clean') {
      this.logger.warn(
        `attachment infected: kind=${kind} size=${kib(data.length)} signature=${result.infected}`,
      );
      this.reject('infected', data.length, kind);
    }
  }

  /** `too_large` carries `{ max }` = the limit in MB (one decimal). */
  private reject(reason: RejectionReason, size: number, kind?: AttachmentKind): never {
    if (reason !== 'infected' && reason !== 'scanner_unavailable') {
      this.logger.log(`attachment rejected: reason=${reason} kind=${kind ?? '-'} size=${kib(size)}`);
    }
    const params: Record<string, string | number> =
      reason === 'too_large' ? { max: Math.floor((this.opts.maxBytes / 1024 / 1024) * 10) / 10 } : {};
    throw new AttachmentRejected(reason, params);
  }
}
