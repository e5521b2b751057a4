import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Page } from '../../common/decorators/page.decorator.js';
import { Public, ReporterAuth } from '../../common/decorators/public.decorator.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { formErrors } from '../../common/forms.js';
import { fieldValue, readForm } from '../../common/http/form-body.js';
import { Redirect } from '../../common/views/page.interceptor.js';
import { ViewRenderer } from '../../common/views/view-renderer.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { CONSENT_PURPOSES, type ConsentPurpose } from '../../common/domain/vocabulary.js';
import { AttachmentInspector } from './attachments/attachment-inspector.js';
import { maxFileMb, readMessage } from './form-files.js';
import { IntakeErrors } from './intake.errors.js';
import { MailboxService, type MailboxSession } from './mailbox.service.js';
import { dateTimeFormat } from '../../common/i18n/intl-cache.js';

export const MAILBOX_COOKIE = 'anl_mbx';

/** The reporter's mailbox pages: receipt login, status, conversation, consents, deletion request. */
@ApiExcludeController()
@Controller('follow-up')
export class MailboxPagesController {
  constructor(
    private readonly mailbox: MailboxService,
    private readonly inspector: AttachmentInspector,
    private readonly renderer: ViewRenderer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private async session(req: FastifyRequest): Promise<MailboxSession | null> {
    return this.mailbox.resolve(req.cookies[MAILBOX_COOKIE]);
  }

  private async require(req: FastifyRequest): Promise<MailboxSession> {
    const s = await this.session(req);
    if (!s) throw IntakeErrors.sessionExpired();
    return s;
  }

  @Public()
  @Get()
  @Page('public/follow-up', 'mailbox.login.title', 'public')
  async loginForm(@Req() req: FastifyRequest, @Query('ended') ended?: string) {
    if (await this.session(req)) return new Redirect('/follow-up/mailbox');
    return { ended: ended === '1' };
  }

  @Public()
  @Post()
  @Page('public/follow-up', 'mailbox.login.title', 'public')
  async login(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: unknown,
  ) {
    try {
      const { token } = await this.mailbox.login(fieldValue(body, 'receipt'), req.ip);
      void reply.setCookie(MAILBOX_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: this.config.http.cookieSecure,
      });
      return new Redirect('/follow-up/mailbox');
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return { status: e.status, errors: formErrors(this.renderer, req.lang, e.fields, e) };
    }
  }

  private async mailboxPage(req: FastifyRequest, session: MailboxSession, extra: object = {}) {
    // `status` is the page's HTTP status for the renderer: the report's state goes by another name
    const { status: state, ...view } = await this.mailbox.view(session);
    return {
      ...view,
      state,
      receivedOn: dateTimeFormat(req.lang === 'ls' ? 'de' : (req.lang as string), {
        dateStyle: 'long',
        timeZone: 'Europe/Berlin',
      }).format(view.receivedOn),
      maxFiles: this.config.intake.maxFiles,
      maxFileMb: maxFileMb(this.config.intake),
      values: {},
      ...extra,
    };
  }

  @ReporterAuth()
  @Get('mailbox')
  @Page('public/mailbox', 'mailbox.title', 'public')
  async page(@Req() req: FastifyRequest, @Query('done') done?: string) {
    const session = await this.session(req);
    if (!session) return new Redirect('/follow-up?ended=1');
    const notice =
      done && ['sent', 'withdrawn', 'opted_out', 'deletion'].includes(done)
        ? this.renderer.t(req.lang, `mailbox.notices.${done}`)
        : undefined;
    return this.mailboxPage(req, session, { notice });
  }

  @ReporterAuth()
  @Post('messages')
  @Page('public/mailbox', 'mailbox.title', 'public')
  async message(@Req() req: FastifyRequest, @Body() body: unknown) {
    const session = await this.session(req);
    if (!session) return new Redirect('/follow-up?ended=1');
    const { fields, files } = readForm(body);
    const { text, accepted, errors } = await readMessage(
      this.inspector,
      this.config.intake,
      fields.body,
      files,
    );
    if (errors.length) {
      return this.mailboxPage(req, session, {
        status: 422,
        values: { body: text },
        errors: formErrors(this.renderer, req.lang, errors),
      });
    }
    await this.mailbox.addMessage(session, text, accepted);
    return new Redirect('/follow-up/mailbox?done=sent');
  }

  @ReporterAuth()
  @Post('consents/:purpose/:action')
  @Page('public/mailbox', 'mailbox.title', 'public')
  async consent(
    @Req() req: FastifyRequest,
    @Param('purpose') purpose: string,
    @Param('action') action: string,
  ) {
    const session = await this.require(req);
    if (
      !(CONSENT_PURPOSES as readonly string[]).includes(purpose) ||
      (action !== 'withdraw' && action !== 'grant')
    )
      throw IntakeErrors.notFound();
    await this.mailbox.changeConsent(session, purpose as ConsentPurpose, action);
    return new Redirect(`/follow-up/mailbox?done=${action === 'grant' ? 'opted_out' : 'withdrawn'}`);
  }

  @ReporterAuth()
  @Post('deletion-request')
  @Page('public/mailbox', 'mailbox.title', 'public')
  async deletion(@Req() req: FastifyRequest) {
    const session = await this.require(req);
    await this.mailbox.requestDeletion(session);
    return new Redirect('/follow-up/mailbox?done=deletion');
  }

  @Public()
  @Post('logout')
  @Page('public/follow-up', 'mailbox.login.title', 'public')
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const session = await this.session(req);
    if (session) await this.mailbox.logout(session);
    void reply.clearCookie(MAILBOX_COOKIE, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.http.cookieSecure,
    });
    return new Redirect('/follow-up?ended=1');
  }
}
