/** What the public report form accepts as an attachment. Decided by content, never by file name. */
export type AttachmentKind = 'pdf' | 'jpeg' | 'png' | 'webp' | 'text' | 'mp3' | 'm4a' | 'ogg';

export interface AcceptedAttachment {
  kind: AttachmentKind;
  /** MIME type to store and to serve the file with (derived from the kind). */
  mime: string;
  /** File extension without a dot (derived from the kind); the caller generates the file name. */
  extension: string;
  /** The bytes to store: re-encoded for images, the original bytes otherwise. */
  data: Buffer;
  size: number;
  /** true when `data` was produced by re-encoding (images: all metadata removed). */
  reencoded: boolean;
}

export type RejectionReason =
  | 'too_large'
  | 'empty'
  | 'heic'
  | 'svg'
  | 'html'
  | 'archive'
  | 'executable'
  | 'polyglot'
  | 'unknown_type'
  | 'unreadable_image'
  | 'infected'
  | 'scanner_unavailable';

export const ATTACHMENT_KINDS: Readonly<Record<AttachmentKind, { mime: string; extension: string }>> = {
  pdf: { mime: 'application/pdf', extension: 'pdf' },
  jpeg: { mime: 'image/jpeg', extension: 'jpg' },
  png: { mime: 'image/png', extension: 'png' },
  webp: { mime: 'image/webp', extension: 'webp' },
  text: { mime: 'text/plain; charset=utf-8', extension: 'txt' },
  mp3: { mime: 'audio/mpeg', extension: 'mp3' },
  m4a: { mime: 'audio/mp4', extension: 'm4a' },
  ogg: { mime: 'audio/ogg', extension: 'ogg' },
};

export type ImageKind = Extract<AttachmentKind, 'jpeg' | 'png' | 'webp'>;

export function isImageKind(kind: AttachmentKind): kind is ImageKind {
  return kind === 'jpeg' || kind === 'png' || kind === 'webp';
}

/** Every rejection reason, e.g. to check that each has a translation. */
export const REJECTION_REASONS: readonly RejectionReason[] = [
  'too_large',
  'empty',
  'heic',
  'svg',
  'html',
  'archive',
  'executable',
  'polyglot',
  'unknown_type',
  'unreadable_image',
  'infected',
  'scanner_unavailable',
];
