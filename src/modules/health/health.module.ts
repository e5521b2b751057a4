import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { MetricsModule } from './metrics.module.js';

/** /health/live, /health (database required, queue may be degraded) and /metrics. */
@Module({ imports: [MetricsModule], controllers: [HealthController] })
export class HealthModule {}
