import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DataSource } from 'typeorm';
import { Res } from '@nestjs/common';
import { Roles } from '../../common/decorators/public.decorator.js';
import { isApiRequest } from '../../common/errors/all-exceptions.filter.js';
import { StaffEmailProcessor } from './staff-email.processor.js';

/** Lets an admin check the whole mail path (outbox → queue → worker → SMTP) with one click. */
@ApiTags('admin')
@Roles('admin')
@Controller()
export class NotificationsController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly staffEmail: StaffEmailProcessor,
  ) {}

  @Post(['admin/test-email', 'api/v1/admin/test-email'])
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a test e-mail to the logged-in admin' })
  async testEmail(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const outboxId = await this.db.transaction((m) =>
      this.staffEmail.queue(m, req.staff!.userId, 'test-message'),
    );
    if (!isApiRequest(req)) void reply.code(303).header('location', '/admin/settings?testMail=1');
    return { queued: true, outboxId };
  }
}
