import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

/** Global so any module can add a metric; modules inject MetricsService as @Optional (the worker has no /metrics). */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
