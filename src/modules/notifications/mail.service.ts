import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Counter } from 'prom-client';
import { TEMPLATES_DIR } from '../../common/paths.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { MetricsService } from '../health/metrics.service.js';

export const STAFF_EMAIL_TEMPLATES = [
  'new-report',
  'mailbox-message',
  'deletion-request',
  'test-message',
  'deadline-reminder',
  'task-overdue',
  'referral-new',
  'referral-reminder',
  'periodic-report-ready',
] as const;
export type StaffEmailTemplate = (typeof STAFF_EMAIL_TEMPLATES)[number];

export interface StaffEmail {
  /** makes the Message-ID stable, so a re-delivery after a crash is recognisable as the same message */
  outboxId: string;
  to: string;
  lang: string;
  template: StaffEmailTemplate;
  params?: Record<string, string>;
}

interface Rendered {
  subject: string;
  text: string;
}

/**
 * Staff e-mail over SMTP. E-mails only say that something is waiting and link to the login page:
 * report content and anything about reporters never leaves the system by e-mail.
 */
@Injectable()
export class MailService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MailService.name);
  private readonly transport?: Transporter;
  private readonly templates = new Map<string, string>();
  private readonly sent?: Counter;
  private readonly messageIdHost: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() metrics?: MetricsService,
  ) {
    if (config.mail.smtpUrl) this.transport = nodemailer.createTransport(config.mail.smtpUrl);
    this.messageIdHost = new URL(config.http.publicUrl).hostname;
    this.sent = metrics?.counter('anl_emails_sent_total', 'Staff e-mails handed to the SMTP server', [
      'template',
    ]);
  }

  onModuleInit(): void {
    if (this.transport) return;
    if (this.config.env === 'production') {
      this.logger.warn(
        'SMTP_URL is not set: staff e-mails are dropped, staff are not told about new reports',
      );
    } else {
      this.logger.log('SMTP_URL is not set: e-mail is disabled (development), sends are treated as done');
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }

  async sendStaffEmail(mail: StaffEmail): Promise<void> {
    if (!/^\d+$/.test(mail.outboxId)) throw new Error('sendStaffEmail needs the outbox id');
    const { subject, text } = this.render(mail.template, mail.lang, {
      publicUrl: this.config.http.publicUrl,
      loginUrl: `${this.config.http.publicUrl}/login`,
      ...mail.params,
    });
    if (!this.transport) return;
    await this.transport.sendMail({
      from: this.config.mail.from,
      to: mail.to,
      subject,
      text,
      messageId: `<outbox-${mail.outboxId}@${this.messageIdHost}>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    this.sent?.inc({ template: mail.template });
  }

  /** `templates/emails/<template>.<lang>.txt` (fallback de): first line `Subject: …`, then the body. */
  render(template: StaffEmailTemplate, lang: string, params: Record<string, string>): Rendered {
    if (!STAFF_EMAIL_TEMPLATES.includes(template)) throw new Error(`unknown e-mail template ${template}`);
    const source = this.load(template, /^[a-z]{2}$/.test(lang) ? lang : 'de') ?? this.load(template, 'de');
    if (source === undefined) throw new Error(`e-mail template ${template} is missing`);
    const filled = source.replace(/\{(\w+)\}/g, (whole, key: string) => params[key] ?? whole);
    const [first, ...rest] = filled.split('\n');
    const subject = /^Subject:\s*(.*)$/.exec(first)?.[1]?.trim();
    if (!subject) throw new Error(`e-mail template ${template}.${lang} has no Subject line`);
    return { subject, text: rest.join('\n').replace(/^\n+/, '') };
  }

  private load(template: string, lang: string): string | undefined {
    const key = `${template}.${lang}`;
    if (!this.templates.has(key)) {
      try {
        this.templates.set(key, readFileSync(join(TEMPLATES_DIR, 'emails', `${key}.txt`), 'utf8'));
      } catch {
        return undefined;
      }
    }
    return this.templates.get(key);
  }
}
