export {
  ATTACHMENT_INSPECTOR_OPTIONS,
  AttachmentInspector,
  type AttachmentInspectorOptions,
} from './attachment-inspector.js';
export { AttachmentRejected } from './attachment-rejected.error.js';
export {
  ATTACHMENT_KINDS,
  REJECTION_REASONS,
  type AcceptedAttachment,
  type AttachmentKind,
  type RejectionReason,
} from './attachment.types.js';
export { AttachmentsModule } from './attachments.module.js';
export { ClamdClient, ScannerUnavailableError, type ScanResult } from './clamd-client.js';
export { sniff, type SniffResult } from './sniff.js';
