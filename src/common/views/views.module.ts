import { Global, Module } from '@nestjs/common';
import { I18nService } from '../i18n/i18n.service.js';
import { I18N, ViewRenderer } from './view-renderer.js';

/** The i18n layer and the page renderer, shared by every process that builds pages or e-mails. */
@Global()
@Module({
  providers: [{ provide: I18N, useFactory: () => new I18nService() }, ViewRenderer],
  exports: [I18N, ViewRenderer],
})
export class ViewsModule {}
