import { Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';
import {
  ATTACHMENT_INSPECTOR_OPTIONS,
  AttachmentInspector,
  type AttachmentInspectorOptions,
} from './attachment-inspector.js';

/**
 * Provides AttachmentInspector. The intake module imports it with its options, e.g.
 * `AttachmentsModule.registerAsync({ inject: [APP_CONFIG], useFactory: (c) => ({ maxBytes: ..., clamd: ... }) })`.
 */
@Module({})
export class AttachmentsModule {
  static register(options: AttachmentInspectorOptions): DynamicModule {
    return {
      module: AttachmentsModule,
      providers: [{ provide: ATTACHMENT_INSPECTOR_OPTIONS, useValue: options }, AttachmentInspector],
      exports: [AttachmentInspector],
    };
  }

  static registerAsync(options: {
    imports?: DynamicModule['imports'];
    inject?: FactoryProvider['inject'];
    useFactory: (...args: any[]) => AttachmentInspectorOptions | Promise<AttachmentInspectorOptions>;
  }): DynamicModule {
    return {
      module: AttachmentsModule,
      imports: options.imports ?? [],
      providers: [
        {
          provide: ATTACHMENT_INSPECTOR_OPTIONS,
          inject: options.inject ?? [],
          useFactory: options.useFactory,
        },
        AttachmentInspector,
      ],
      exports: [AttachmentInspector],
    };
  }
}
