import { SetMetadata } from '@nestjs/common';

export const PAGE_KEY = 'anl:page';
export type Layout = 'public' | 'staff' | 'bare';

export interface PageOptions {
  template: string;
  layout: Layout;
  /** i18n key of the page title */
  title: string;
}

/** The handler returns the template context; the page interceptor renders it (server-side HTML). */
export const Page = (template: string, title: string, layout: Layout = 'staff') =>
  SetMetadata(PAGE_KEY, { template, layout, title } satisfies PageOptions);
