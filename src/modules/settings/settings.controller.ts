import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Page } from '../../common/decorators/page.decorator.js';
import { Roles } from '../../common/decorators/public.decorator.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { formErrors } from '../../common/forms.js';
import { Redirect } from '../../common/views/page.interceptor.js';
import { ViewRenderer } from '../../common/views/view-renderer.js';
import { StaffService } from '../auth/staff.service.js';
import { SETTINGS } from './settings.registry.js';
import { SettingsService, type SettingView } from './settings.service.js';

const TEXT_SETTINGS = new Set(SETTINGS.filter((d) => d.type.kind === 'text').map((d) => d.key));

function actor(req: FastifyRequest) {
  return { userId: req.staff!.userId, organisationId: req.staff!.organisationId };
}

function display(s: SettingView) {
  const asText = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'number')
      ? v.join(', ')
      : typeof v === 'object'
        ? JSON.stringify(v, null, 2)
        : String(v);
  return {
    ...s,
    text: asText(s.value),
    defaultText: asText(s.default),
    multiline:
      typeof s.value === 'string'
        ? s.value.includes('\n') || TEXT_SETTINGS.has(s.key)
        : (typeof s.value === 'object' && !Array.isArray(s.value)) ||
          (Array.isArray(s.value) && typeof s.value[0] === 'object'),
  };
}

/** Policy settings: admin page and API. Every change is audited (SettingsService). */
@Roles('admin')
@Controller()
export class SettingsController {
  constructor(
    private readonly settings: SettingsService,
    private readonly renderer: ViewRenderer,
    private readonly staff: StaffService,
  ) {}

  @ApiTags('settings')
  @Get('api/v1/settings')
  @ApiOperation({ summary: 'All policy settings with their current value and default' })
  list() {
    return this.settings.list();
  }

  @ApiTags('settings')
  @Put('api/v1/settings/:key')
  @ApiOperation({ summary: 'Change a policy setting (audited)' })
  @ApiBody({
    schema: { type: 'object', properties: { value: {} }, required: ['value'], example: { value: 6 } },
  })
  async update(@Req() req: FastifyRequest, @Param('key') key: string, @Body() body: { value?: unknown }) {
    // installation-wide policy (e.g. which organisation receives public reports): service-centre admins only
    await this.staff.assertInstallationAdmin(actor(req));
    return this.settings.set(actor(req), key, body?.value);
  }

  @ApiTags('settings')
  @Delete('api/v1/settings/:key')
  @HttpCode(204)
  @ApiOperation({ summary: 'Reset a policy setting to its default (audited)' })
  async reset(@Req() req: FastifyRequest, @Param('key') key: string) {
    await this.staff.assertInstallationAdmin(actor(req));
    await this.settings.reset(actor(req), key);
  }

  @ApiExcludeEndpoint()
  @Get('admin/settings')
  @Page('admin/settings', 'settings.title')
  async page(@Query('testMail') testMail?: string) {
    return { settings: (await this.settings.list()).map(display), testMail: testMail === '1' };
  }

  @ApiExcludeEndpoint()
  @Post('admin/settings/:key')
  @Page('admin/settings', 'settings.title')
  async change(@Req() req: FastifyRequest, @Param('key') key: string, @Body() body: Record<string, unknown>) {
    await this.staff.assertInstallationAdmin(actor(req));
    try {
      if (body.reset === '1') await this.settings.reset(actor(req), key);
      else await this.settings.set(actor(req), key, body.value);
      return new Redirect('/admin/settings?saved=1');
    } catch (e) {
      if (!(e instanceof DomainError) || e.code === 'not_found') throw e;
      const errors = formErrors(this.renderer, req.lang, e.fields, e);
      const settings = (await this.settings.list()).map((s) =>
        s.key === key
          ? { ...display(s), text: String(body.value ?? ''), error: errors.byField[key] }
          : display(s),
      );
      return { status: e.status, settings, errors };
    }
  }
}
