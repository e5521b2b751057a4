import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Page } from '../../common/decorators/page.decorator.js';
import { Roles } from '../../common/decorators/public.decorator.js';
import { formErrors } from '../../common/forms.js';
import { Redirect } from '../../common/views/page.interceptor.js';
import { ViewRenderer } from '../../common/views/view-renderer.js';
import { StaffReportsService } from './staff-reports.service.js';

/**
 * Counsellors' view of incoming reports (the cases module builds the inbox and case file on top).
 * Attachments are served as downloads only, never rendered inline.
 */
@ApiExcludeController()
@Roles('counsellor')
@Controller('staff/reports')
export class StaffReportsController {
  constructor(
    private readonly reports: StaffReportsService,
    private readonly renderer: ViewRenderer,
  ) {}

  @Get()
  @Page('staff/reports', 'intake.staff_view.list_title')
  async list(@Req() req: FastifyRequest) {
    return { reports: await this.reports.list(req.staff!) };
  }

  @Get(':id')
  @Page('staff/report', 'intake.staff_view.detail_title')
  async detail(@Req() req: FastifyRequest, @Param('id', ParseUUIDPipe) id: string) {
    return this.reports.detail(req.staff!, id);
  }

  @Post(':id/messages')
  @Page('staff/report', 'intake.staff_view.detail_title')
  async message(
    @Req() req: FastifyRequest,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    const text = typeof body.body === 'string' ? body.body.replace(/\r\n?/g, '\n').trim() : '';
    if (!text || text.length > 20_000) {
      return {
        ...(await this.reports.detail(req.staff!, id)),
        status: 422,
        errors: formErrors(this.renderer, req.lang, [
          { field: 'body', messageKey: 'mailbox.errors.body_required' },
        ]),
      };
    }
    await this.reports.writeToReporter(req.staff!, id, text);
    return new Redirect(`/staff/reports/${id}#messages`);
  }

  @Get(':id/attachments/:attachmentId')
  async download(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('attachmentId', ParseUUIDPipe) attachmentId: string,
  ) {
    const file = await this.reports.attachment(req.staff!, id, attachmentId);
    const ext =
      { pdf: 'pdf', jpeg: 'jpg', png: 'png', webp: 'webp', text: 'txt', mp3: 'mp3', m4a: 'm4a', ogg: 'ogg' }[
        file.kind
      ] ?? 'bin';
    void reply
      .header('content-type', file.mime)
      .header('content-disposition', `attachment; filename="anlage-${attachmentId.slice(0, 8)}.${ext}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; sandbox")
      .header('cache-control', 'no-store');
    return file.data;
  }
}
