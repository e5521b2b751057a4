import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, type Observable } from 'rxjs';
import { PAGE_KEY, type PageOptions } from '../decorators/page.decorator.js';
import { ViewRenderer } from './view-renderer.js';

/** A page handler may answer with a redirect (POST-redirect-GET) instead of a context. */
export class Redirect {
  constructor(
    readonly location: string,
    readonly status: 302 | 303 = 303,
  ) {}
}

/** A page handler may also answer with another template than its default one (e.g. a confirmation). */
export class RenderPage {
  constructor(
    readonly template: string,
    readonly title: string,
    readonly data: object,
    readonly status = 200,
  ) {}
}

/** Renders the context returned by a @Page() handler into its template and layout. */
@Injectable()
export class PageInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly renderer: ViewRenderer,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const page = this.reflector.get<PageOptions | undefined>(PAGE_KEY, context.getHandler());
    if (!page) return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      mergeMap((data: unknown) => {
        if (data instanceof Redirect) {
          void reply.code(data.status).header('location', data.location);
          return from(Promise.resolve(''));
        }
        if (data instanceof RenderPage) {
          void reply.code(data.status);
          return from(this.renderer.render(req, reply, data.template, page.layout, data.title, data.data));
        }
        const { status, ...rest } = (data ?? {}) as { status?: number };
        // a page answering a POST is 200 (Nest's default for POST is 201)
        void reply.code(status ?? 200);
        return from(this.renderer.render(req, reply, page.template, page.layout, page.title, rest));
      }),
    );
  }
}
