import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { ViewRenderer } from '../views/view-renderer.js';
import { DomainError, type ErrorCode, type FieldError } from './domain-error.js';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation',
  429: 'rate_limited',
  503: 'unavailable',
};

/** The one JSON error shape of the API. */
export interface ErrorBody {
  error: { status: number; code: string; message: string; fields?: { field: string; message: string }[] };
}

export function isApiRequest(req: FastifyRequest): boolean {
  const path = req.url.split('?')[0];
  return path.startsWith('/api/') || path === '/health' || path.startsWith('/health/') || path === '/metrics';
}

/** Connection-level database failures: the client did nothing wrong and should try again. */
export function isDatabaseUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  if (!err) return false;
  // TypeORM releases a transaction's query runner when its connection reports an error (the server
  // went away between two statements); the next statement then fails with one of these instead of
  // the connection error
  if (e instanceof QueryRunnerAlreadyReleasedError || e instanceof QueryRunnerProviderAlreadyReleasedError)
    return true;
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      '57P01',
      '57P02',
      '57P03',
      '08006',
      '08001',
      '08003',
    ].includes(String(err.code))
  )
    return true;
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    String(err.message ?? ''),
  );
}

/**
 * Maps every error to a status code and either the JSON error shape or a calm error page in the
 * caller's language. Never a stack trace to the client; 500s are logged with their stack (no bodies).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly renderer: ViewRenderer) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (reply.sent) return;
    await sendError(exception, req, reply, this.renderer, this.logger);
  }
}

export async function sendError(
  exception: unknown,
  req: FastifyRequest,
  reply: FastifyReply,
  renderer: ViewRenderer,
  logger: Logger,
): Promise<void> {
  const lang = req.lang ?? 'de';
  let status = 500;
  let code: string = 'internal';
  let messageKey = 'errors.internal';
  let params: Record<string, string | number> = {};
  let fields: FieldError[] = [];

  if (exception instanceof DomainError) {
    status = exception.status;
    code = exception.code;
    messageKey = exception.messageKey;
    params = exception.params;
    fields = exception.fields;
  } else if (exception instanceof HttpException) {
    status = exception.getStatus();
    code = STATUS_CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request');
    messageKey = `errors.${code}`;
  } else if (isDatabaseUnavailable(exception)) {
    status = 503;
    code = 'unavailable';
    messageKey = 'errors.unavailable';
  } else {
    const e = exception as { statusCode?: number; code?: string };
    if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      // Fastify's own client errors (bad JSON, body too large, wrong content type)
      status = e.statusCode;
      code = STATUS_CODES[status] ?? 'bad_request';
      messageKey = `errors.${code}`;
    }
  }
  if (status >= 500 && status !== 503) {
    const err = exception instanceof Error ? exception : new Error(String(exception));
    logger.error(`${req.method} ${req.routeOptions?.url ?? '?'} failed: ${err.message}`, err.stack);
  }
  const message = renderer.t(lang, messageKey, params);
  const fieldMessages = fields.map((f) => ({
    field: f.field,
    message: renderer.t(lang, f.messageKey, f.params),
  }));

  void reply.code(status).header('cache-control', 'no-store');
  if (status === 429 && !reply.getHeader('retry-after')) void reply.header('retry-after', '60');
  if (status === 503) void reply.header('retry-after', '10');

  if (isApiRequest(req)) {
    const body: ErrorBody = {
      error: { status, code, message, ...(fieldMessages.length ? { fields: fieldMessages } : {}) },
    };
    await reply.type('application/json; charset=utf-8').send(body);
    return;
  }
  // pages: an unauthenticated visitor of a staff page is sent to the login page
  if (status === 401 && (code === 'unauthenticated' || code === 'mfa_required') && req.method === 'GET') {
    const next = encodeURIComponent(req.url);
    await reply
      .code(303)
      .header('location', code === 'mfa_required' ? '/login/mfa' : `/login?next=${next}`)
      .send();
    return;
  }
  if (status === 403 && messageKey === 'auth.errors.password_change_required' && req.method === 'GET') {
    await reply.code(303).header('location', '/account/password').send();
    return;
  }
  try {
    const html = await renderer.render(req, reply, 'error', req.staff ? 'staff' : 'public', 'errors.title', {
      status,
      message,
      fields: fieldMessages,
    });
    await reply.code(status).send(html);
  } catch (renderError) {
    logger.error(`error page failed to render: ${(renderError as Error).message}`);
    await reply.code(status).type('text/plain; charset=utf-8').send(message);
  }
}
