import { AuditEventEntity } from '../modules/audit/entities/audit-event.entity.js';
import { LoginThrottleEntity } from '../modules/auth/entities/login-throttle.entity.js';
import { OrganisationEntity } from '../modules/auth/entities/organisation.entity.js';
import { StaffSessionEntity } from '../modules/auth/entities/staff-session.entity.js';
import { StaffUserEntity } from '../modules/auth/entities/staff-user.entity.js';
import { DataKeyEntity } from '../modules/crypto/entities/data-key.entity.js';
import { OutboxMessageEntity } from '../modules/outbox/entities/outbox-message.entity.js';
import { SettingEntity } from '../modules/settings/entities/setting.entity.js';
import { InstallationSecretEntity } from '../modules/intake/entities/installation-secret.entity.js';
import { IntakeDraftFileEntity } from '../modules/intake/entities/intake-draft-file.entity.js';
import { MailboxSessionEntity } from '../modules/intake/entities/mailbox-session.entity.js';
import { ReportAttachmentEntity } from '../modules/intake/entities/report-attachment.entity.js';
import { ReportConsentEntity } from '../modules/intake/entities/report-consent.entity.js';
import { ReportMessageEntity } from '../modules/intake/entities/report-message.entity.js';
import { ReportEntity } from '../modules/intake/entities/report.entity.js';
import { CaseCounterEntity } from '../modules/cases/entities/case-counter.entity.js';
import { CaseEntryEntity } from '../modules/cases/entities/case-entry.entity.js';
import { CaseReminderEntity } from '../modules/cases/entities/case-reminder.entity.js';
import { CaseTaskEntity } from '../modules/cases/entities/case-task.entity.js';
import { CaseEntity } from '../modules/cases/entities/case.entity.js';
import { IncidentReportEntity } from '../modules/cases/entities/incident-report.entity.js';
import { IncidentEntity } from '../modules/cases/entities/incident.entity.js';
import { PartnerProfileEntity } from '../modules/referrals/entities/partner-profile.entity.js';
import { ReferralEntity } from '../modules/referrals/entities/referral.entity.js';
import { PeriodicReportEntity } from '../modules/reports/periodic-report.entity.js';

/**
 * Every entity, listed as classes so the compiled app, ts-jest and the migration CLI share one
 * DataSource configuration. Each module still registers its own with TypeOrmModule.forFeature.
 */
export const ENTITIES = [
  OrganisationEntity,
  StaffUserEntity,
  StaffSessionEntity,
  LoginThrottleEntity,
  AuditEventEntity,
  DataKeyEntity,
  SettingEntity,
  OutboxMessageEntity,
  ReportEntity,
  ReportConsentEntity,
  ReportMessageEntity,
  ReportAttachmentEntity,
  MailboxSessionEntity,
  IntakeDraftFileEntity,
  InstallationSecretEntity,
  CaseEntity,
  IncidentEntity,
  IncidentReportEntity,
  CaseEntryEntity,
  CaseTaskEntity,
  CaseReminderEntity,
  CaseCounterEntity,
  PartnerProfileEntity,
  ReferralEntity,
  PeriodicReportEntity,
];
