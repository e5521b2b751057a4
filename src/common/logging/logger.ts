import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { AppConfig } from '../../config/app-config.js';

/**
 * One pino logger for Fastify and Nest. Request logging is our own (see http/request-log.ts):
 * never bodies, never IP addresses or User-Agents, never cookies or authorisation headers.
 */
export function createLogger(config: Pick<AppConfig, 'log'>): Logger {
  return pino({
    level: config.log.level,
    base: { app: 'anlaufstelle' },
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["user-agent"]',
        'req.headers["x-forwarded-for"]',
        'req.remoteAddress',
        'req.remotePort',
        'res.headers["set-cookie"]',
        '*.password',
        '*.receipt',
      ],
      remove: true,
    },
  });
}

/** Routes Nest's own logging into pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, params: unknown[]) {
    const context = params.length && typeof params[params.length - 1] === 'string' ? params.pop() : undefined;
    if (message instanceof Error) {
      this.logger[level]({
        context,
        err: { type: message.name, message: message.message, stack: message.stack },
      });
    } else if (level === 'error' && typeof params[0] === 'string' && params[0].includes('\n')) {
      this.logger.error({ context, stack: params[0] }, String(message));
    } else {
      this.logger[level]({ context }, typeof message === 'string' ? message : JSON.stringify(message));
    }
  }

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
}
