import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiExcludeController, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Page } from '../../../common/decorators/page.decorator.js';
import { Roles } from '../../../common/decorators/public.decorator.js';
import { Redirect } from '../../../common/views/page.interceptor.js';
import { RetentionService } from './retention.service.js';

/** Documentation only: the body is checked by the service after the ownership check (404 first). */
export class LegalHoldDto {
  @ApiProperty({
    description: 'why the case must not be erased (kept on the case, never in the audit trail)',
    maxLength: 500,
  })
  reason: string;
}

/** Retention and erasure, the subject access export (JSON), and the admin's manual run. */
@ApiTags('cases')
@Roles('counsellor', 'admin')
@Controller('api/v1')
export class RetentionApiController {
  constructor(private readonly retention: RetentionService) {}

  @Get('cases/:id/export')
  @ApiOperation({ summary: 'Everything stored about one case (subject access, Art. 15 GDPR); audited' })
  async export(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id') id: string,
  ) {
    const data = await this.retention.exportCase(req.staff!, id);
    void reply.header('content-disposition', `attachment; filename="${data.case.reference}.json"`);
    return data;
  }

  @Post('cases/:id/legal-hold')
  @HttpCode(204)
  @ApiBody({ type: LegalHoldDto })
  @ApiOperation({ summary: 'Put a case on legal hold: the retention job leaves it alone' })
  async hold(
    @Req() req: FastifyRequest,
    @Param('id') id: string,
    @Body() body: Record<string, unknown> | undefined,
  ) {
    await this.retention.setLegalHold(req.staff!, id, body?.reason);
  }

  @Delete('cases/:id/legal-hold')
  @HttpCode(204)
  @ApiOperation({ summary: 'Release the legal hold' })
  async release(@Req() req: FastifyRequest, @Param('id') id: string) {
    await this.retention.releaseLegalHold(req.staff!, id);
  }

  @Post('cases/:id/erase')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase a case now (e.g. on the reporter’s request); 409 while on legal hold' })
  async erase(@Req() req: FastifyRequest, @Param('id') id: string) {
    await this.retention.eraseNow(req.staff!, id);
  }

  @Post('admin/retention/run')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the retention job now (it also runs daily); counts only' })
  run() {
    return this.retention.run();
  }
}

/** The printable export and the form posts behind the case page's retention section. */
@ApiExcludeController()
@Roles('counsellor', 'admin')
@Controller('staff')
export class RetentionPagesController {
  constructor(private readonly retention: RetentionService) {}

  @Get('cases/:id/export')
  @Page('staff/case-export', 'retention.export.title')
  async export(@Req() req: FastifyRequest, @Param('id') id: string) {
    return { x: await this.retention.exportCase(req.staff!, id) };
  }

  @Post('cases/:id/legal-hold')
  @Page('staff/case', 'cases.file.title')
  async hold(@Req() req: FastifyRequest, @Param('id') id: string, @Body() body: Record<string, unknown>) {
    await this.retention.setLegalHold(req.staff!, id, body?.reason);
    return new Redirect(`/staff/cases/${id}?saved=legal-hold#retention`);
  }

  @Post('cases/:id/legal-hold/release')
  @Page('staff/case', 'cases.file.title')
  async release(@Req() req: FastifyRequest, @Param('id') id: string) {
    await this.retention.releaseLegalHold(req.staff!, id);
    return new Redirect(`/staff/cases/${id}?saved=legal-hold#retention`);
  }

  @Post('cases/:id/erase')
  @Page('staff/case', 'cases.file.title')
  async erase(@Req() req: FastifyRequest, @Param('id') id: string, @Body() body: Record<string, unknown>) {
    await this.retention.eraseNow(req.staff!, id, { confirmed: body?.confirm === 'yes' });
    return new Redirect('/staff/inbox?erased=1');
  }
}
