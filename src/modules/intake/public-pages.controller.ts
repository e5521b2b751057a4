import { Controller, Get, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Page } from '../../common/decorators/page.decorator.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { SettingsService } from '../settings/settings.service.js';
import { dateTimeFormat } from '../../common/i18n/intl-cache.js';

/** The landing page and the legally required pages; their content comes from the installation settings. */
@ApiExcludeController()
@Controller()
export class PublicPagesController {
  constructor(private readonly settings: SettingsService) {}

  @Public()
  @Get()
  @Page('home', 'home.title', 'public')
  home() {
    return { easyLanguageAvailable: true };
  }

  @Public()
  @Get('privacy')
  @Page('public/privacy', 'legal.privacy.title', 'public')
  async privacy() {
    return {
      operator: await this.settings.get<string>('installation.operator'),
      dpo: await this.settings.get<string>('installation.dpo'),
      authority: await this.settings.get<string>('installation.supervisory_authority'),
      retention: {
        reportMonths: await this.settings.getInt('retention.unprocessed_report_months'),
        caseMonths: await this.settings.getInt('retention.closed_case_months'),
      },
    };
  }

  @Public()
  @Get('imprint')
  @Page('public/imprint', 'legal.imprint.title', 'public')
  async imprint() {
    return {
      operator: await this.settings.get<string>('installation.operator'),
      email: await this.settings.get<string>('installation.contact_email'),
      phone: await this.settings.get<string>('installation.contact_phone'),
      responsible: await this.settings.get<string>('installation.responsible'),
    };
  }

  @Public()
  @Get('accessibility')
  @Page('public/accessibility', 'legal.accessibility.title', 'public')
  async accessibility(@Req() req: FastifyRequest) {
    const date = await this.settings.get<string>('installation.accessibility_statement_date');
    return {
      email: await this.settings.get<string>('installation.contact_email'),
      phone: await this.settings.get<string>('installation.contact_phone'),
      enforcement: await this.settings.get<string>('installation.accessibility_enforcement'),
      statementDate: dateTimeFormat(req.lang === 'ls' ? 'de' : (req.lang as string), {
        dateStyle: 'long',
        timeZone: 'UTC',
      }).format(new Date(`${date}T00:00:00Z`)),
    };
  }
}
