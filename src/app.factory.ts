import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import multipart from '@fastify/multipart';
import view from '@fastify/view';
import { Logger, ValidationPipe, type ValidationError } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController, type FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module.js';
import { DomainError } from './common/errors/domain-error.js';
import { COOKIE } from './common/http/request-context.js';
import { registerSecurity } from './common/http/security.js';
import { I18nService } from './common/i18n/i18n.service.js';
import { PinoNestLogger } from './common/logging/logger.js';
import { STATIC_DIR, TEMPLATES_DIR } from './common/paths.js';
import { createHandlebars } from './common/views/handlebars.js';
import { I18N } from './common/views/view-renderer.js';
import type { AppConfig } from './config/app-config.js';

/** Routes registered on Fastify directly (not Nest controllers), each public by intent. */
export const DIRECT_PUBLIC_ROUTES: { prefix: string; why: string }[] = [
  { prefix: '/static/', why: 'stylesheet and icons, no personal data' },
  { prefix: '/api/docs', why: 'OpenAPI document and its viewer describe the public contract' },
];

function validationToDomainError(errors: ValidationError[]): DomainError {
  const fields = errors.flatMap((e) =>
    Object.keys(e.constraints ?? { invalid: '' }).map((constraint) => ({
      field: e.property,
      messageKey: `validation.${constraint}`,
    })),
  );
  // a field that may not be sent at all (organisation, role, …) is a bad request, not a validation slip
  const code = fields.some((f) => f.messageKey === 'validation.whitelistValidation')
    ? 'bad_request'
    : 'validation';
  return new DomainError(
    code,
    code === 'bad_request' ? 'errors.bad_request' : 'errors.validation',
    {},
    fields,
  );
}

function partialsIn(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.hbs')) continue;
    const name = file.slice(0, -4).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    out[name] = `partials/${file}`;
  }
  return out;
}

export interface HttpAppOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: PinoLogger;
  /** collects every route Fastify registers (the route-enumeration test reads it) */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

export async function createHttpApp({
  config,
  databaseUrl,
  logger,
  onRoute,
}: HttpAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Fastify's request logs include the client address: ours (below) never do
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.http.trustProxy,
    bodyLimit: 1_048_576,
    // request ids are random, not derived from the client
    genReqId: () => randomBytes(8).toString('hex'),
  });
  const fastify = adapter.getInstance() as unknown as FastifyInstance;
  if (onRoute) fastify.addHook('onRoute', (r) => onRoute({ method: r.method, url: r.url }));

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, databaseUrl }),
    adapter,
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    },
  );

  const i18n = app.get<I18nService>(I18N);
  await app.register(cookie);
  await registerSecurity(fastify, config);
  // Multipart forms (report form, mailbox) are parsed before the guards, so the CSRF token in the body
  // is checked like any other; files are read into memory up to the limit + 1 byte and marked
  // truncated beyond it, so one oversized file gets a message next to the field instead of a 413
  // that would throw away everything typed.
  await app.register(multipart, {
    attachFieldsToBody: true,
    throwFileSizeLimit: false,
    onFile: async (part) => {
      (part as unknown as { value: Buffer }).value = await part.toBuffer();
    },
    limits: {
      fileSize: config.intake.maxFileBytes + 1,
      files: 20,
      fields: 100,
      parts: 130,
      fieldSize: 200_000,
    },
  });
  await app.register(fastifyStatic, {
    root: STATIC_DIR,
    prefix: '/static/',
    maxAge: '1d',
    immutable: false,
    index: false,
    list: false,
  });
  await app.register(view, {
    engine: { handlebars: createHandlebars(i18n) },
    root: TEMPLATES_DIR,
    production: config.env === 'production',
    // every file in templates/partials is a partial named after it, in camelCase (field-error → fieldError)
    options: { partials: partialsIn(join(TEMPLATES_DIR, 'partials')) },
  });

  // Language: ?lang= > cookie > Accept-Language. Anonymous visitors get a double-submit CSRF cookie.
  fastify.addHook('onRequest', async (req, reply) => {
    const query = req.query as Record<string, string | undefined>;
    const requested = typeof query?.lang === 'string' ? query.lang : undefined;
    req.lang = i18n.negotiate(requested, req.cookies[COOKIE.lang], req.headers['accept-language']);
    const cookieOpts = {
      path: '/',
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: config.http.cookieSecure,
    };
    if (requested && requested === req.lang && req.cookies[COOKIE.lang] !== req.lang) {
      void reply.setCookie(COOKIE.lang, req.lang, { ...cookieOpts, maxAge: 365 * 24 * 3600 });
    }
    const path = req.url.split('?')[0];
    if (!path.startsWith('/static/') && !path.startsWith('/api/') && !path.startsWith('/health')) {
      let token = req.cookies[COOKIE.csrf];
      if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
        token = randomBytes(32).toString('base64url');
        void reply.setCookie(COOKIE.csrf, token, cookieOpts);
      }
      req.anonCsrfToken = token;
    } else {
      req.anonCsrfToken = req.cookies[COOKIE.csrf];
    }
  });

  // Request log: method, route pattern, status, duration. No body, no IP, no User-Agent, no query.
  fastify.addHook('onResponse', async (req, reply) => {
    if (req.url.startsWith('/static/') || req.url.startsWith('/health')) return;
    logger.info(
      {
        reqId: req.id,
        method: req.method,
        route: req.routeOptions?.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        staff: req.staff
          ? createHash('sha256').update(req.staff.userId).digest('hex').slice(0, 12)
          : undefined,
      },
      'request',
    );
  });

  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationToDomainError,
    }),
  );

  const doc = new DocumentBuilder()
    .setTitle('Anlaufstelle API')
    .setDescription(
      'Discrimination incident reporting and case management. Staff routes accept the session cookie set by ' +
        'POST /api/v1/auth/login and require the X-CSRF-Token header on state-changing requests.',
    )
    .setVersion('1')
    .addCookieAuth('anl_sid')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), {
    jsonDocumentUrl: 'api/docs-json',
    customSiteTitle: 'Anlaufstelle API',
  });

  new Logger('Http').debug('application created');
  return app;
}
