import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Headers, Inject, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { Public } from '../../common/decorators/public.decorator.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { QueueService, withTimeout } from '../queue/queue.service.js';
import { MetricsService } from './metrics.service.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Probes for the orchestrator and metrics for Prometheus. Readiness depends on the database only:
 * a Redis outage leaves the app ready ('degraded'), because the outbox buffers jobs meanwhile.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueueService,
    private readonly metrics: MetricsService,
  ) {}

  @Public()
  @Get('health/live')
  @Header('Cache-Control', 'no-store')
  live() {
    return { status: 'ok' };
  }

  @Public()
  @Get('health')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [database, queue] = await Promise.all([this.databaseHealth(), this.queues.health()]);
    if (database !== 'ok') reply.status(503);
    return { status: database, database, queue, queueBackend: this.queues.backend };
  }

  /** Public for the scraper, but behind METRICS_TOKEN when one is set. */
  @Public()
  @Get('metrics')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply) {
    // @Res() bypasses Nest's response handling, so @Header would not apply here
    reply.header('Cache-Control', 'no-store');
    const token = this.config.metrics.token;
    // compare digests: equal length, constant time, and the token's length does not leak
    if (token && !timingSafeEqual(sha256(authorization ?? ''), sha256(`Bearer ${token}`))) {
      return reply.status(401).header('WWW-Authenticate', 'Bearer').send({ status: 'unauthenticated' });
    }
    return reply
      .header('Content-Type', this.metrics.registry.contentType)
      .send(await this.metrics.registry.metrics());
  }

  private async databaseHealth(): Promise<'ok' | 'error'> {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 2000, 'database ping');
      return 'ok';
    } catch {
      return 'error';
    }
  }
}
