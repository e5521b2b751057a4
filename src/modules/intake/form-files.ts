import type { FieldError } from '../../common/errors/domain-error.js';
import type { UploadedFile } from '../../common/http/form-body.js';
import { AttachmentRejected } from './attachments/attachment-rejected.error.js';
import type { AttachmentInspector } from './attachments/attachment-inspector.js';
import type { AcceptedAttachment } from './attachments/attachment.types.js';

/**
 * Inspects the uploaded files of one form post. Accepted files are returned even when others are
 * refused, so they can be kept in the draft; every refusal becomes a message next to the file field.
 */
export async function inspectUploads(
  inspector: AttachmentInspector,
  uploads: UploadedFile[],
  opts: { alreadyKept: number; maxFiles: number; maxMb: number; field?: string },
): Promise<{ accepted: AcceptedAttachment[]; errors: FieldError[] }> {
  const field = opts.field ?? 'files';
  const errors: FieldError[] = [];
  const accepted: AcceptedAttachment[] = [];
  if (uploads.length + opts.alreadyKept > opts.maxFiles) {
    errors.push({ field, messageKey: 'intake.errors.files_too_many', params: { max: opts.maxFiles } });
    return { accepted, errors };
  }
  for (const [i, upload] of uploads.entries()) {
    if (upload.truncated) {
      errors.push({
        field,
        messageKey: 'intake.attachments.errors.too_large',
        params: { number: i + 1, max: opts.maxMb },
      });
      continue;
    }
    try {
      accepted.push(await inspector.inspect(upload.data));
    } catch (e) {
      if (!(e instanceof AttachmentRejected)) throw e;
      errors.push({
        field,
        messageKey: e.messageKey,
        params: { ...e.params, number: i + 1, max: opts.maxMb },
      });
    }
  }
  return { accepted, errors };
}
