import type { FieldError } from '../../common/errors/domain-error.js';
import type { UploadedFile } from '../../common/http/form-body.js';
import type { AppConfig } from '../../config/app-config.js';
import { AttachmentRejected } from './attachments/attachment-rejected.error.js';
import type { AttachmentInspector } from './attachments/attachment-inspector.js';
import type { AcceptedAttachment } from './attachments/attachment.types.js';

type IntakeLimits = AppConfig['intake'];

/** The per-file limit in whole megabytes, as the pages and messages state it. */
export function maxFileMb(limits: IntakeLimits): number {
  return Math.round(limits.maxFileBytes / 1024 / 1024);
}

/**
 * Inspects the uploaded files of one form post. Accepted files are returned even when others are
 * refused, so they can be kept in the draft; every refusal becomes a message next to the file field.
 */
export async function inspectUploads(
  inspector: AttachmentInspector,
  uploads: UploadedFile[],
  limits: IntakeLimits,
  alreadyKept = 0,
): Promise<{ accepted: AcceptedAttachment[]; errors: FieldError[] }> {
  const field = 'files';
  const maxMb = maxFileMb(limits);
  const errors: FieldError[] = [];
  const accepted: AcceptedAttachment[] = [];
  if (uploads.length + alreadyKept > limits.maxFiles) {
    errors.push({ field, messageKey: 'intake.errors.files_too_many', params: { max: limits.maxFiles } });
    return { accepted, errors };
  }
  for (const [i, upload] of uploads.entries()) {
    if (upload.truncated) {
      errors.push({
        field,
        messageKey: 'intake.attachments.errors.too_large',
        params: { number: i + 1, max: maxMb },
      });
      continue;
    }
    try {
      accepted.push(await inspector.inspect(upload.data));
    } catch (e) {
      if (!(e instanceof AttachmentRejected)) throw e;
      errors.push({ field, messageKey: e.messageKey, params: { ...e.params, number: i + 1, max: maxMb } });
    }
  }
  return { accepted, errors };
}

/** A reporter's mailbox message (page or API): the text, its checked files, and every problem with both. */
export async function readMessage(
  inspector: AttachmentInspector,
  limits: IntakeLimits,
  body: unknown,
  files: UploadedFile[],
): Promise<{ text: string; accepted: AcceptedAttachment[]; errors: FieldError[] }> {
  const text = (typeof body === 'string' ? body : '').replace(/\r\n?/g, '\n').trim();
  const { accepted, errors } = await inspectUploads(inspector, files, limits);
  if (!text && files.length === 0) errors.push({ field: 'body', messageKey: 'mailbox.errors.body_required' });
  if (text.length > 20_000) errors.push({ field: 'body', messageKey: 'intake.errors.narrative_too_long' });
  return { text, accepted, errors };
}
