import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CLOCK, type Clock } from '../../common/clock.js';
import { QueueService } from '../queue/queue.service.js';
import { lastCompleteQuarter, periodFromCode } from './period.js';
import { compactChanges, dropStaleParts, recentlyReadPeriods } from './statistics-cache.js';
import { StatisticsService } from './statistics.service.js';

export const STATISTICS_REFRESH_QUEUE = 'maintenance';
export const STATISTICS_REFRESH_JOB = 'statistics-refresh';
/** how often the worker compacts the change log and rebuilds stale releases */
export const STATISTICS_REFRESH_EVERY_MS = 5 * 60_000;
/** a release nobody opened for this long is no longer kept warm (it is rebuilt when asked for) */
export const KEEP_WARM_DAYS = 14;

export interface RefreshResult {
  /** change-log rows folded into the per-month counts */
  compacted: number;
  /** month parts dropped because their month (or the statistics code) changed since they were made */
  droppedParts: number;
  /** the periods looked at: the last complete quarter and every period read in the last 14 days */
  periods: string[];
  /** those whose release had to be rebuilt (their data or the settings changed) */
  rebuilt: string[];
}

/**
 * Job `maintenance/statistics-refresh`, every five minutes in the worker: keeps the statistics cache
 * short and warm, so the officer's dashboard is served from it (a few milliseconds) instead of
 * aggregating a quarter on the spot (about a second on a million cases). It folds the change log into
 * the per-month counts, drops the month parts whose month changed since, then rebuilds — only where
 * something counted has changed — the default period (the last complete quarter) and every period an
 * officer opened in the last two weeks. Rebuilding is
 * the same code path as a request, so what it stores is exactly what a request would have built.
 */
@Injectable()
export class StatisticsRefreshService implements OnModuleInit {
  private readonly logger = new Logger(StatisticsRefreshService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly statistics: StatisticsService,
    private readonly queues: QueueService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.queues.registerProcessor(STATISTICS_REFRESH_QUEUE, STATISTICS_REFRESH_JOB, async () => {
      const r = await this.run();
      if (r.rebuilt.length > 0) this.logger.log(`statistics rebuilt: ${r.rebuilt.join(', ')}`);
    });
    this.queues.registerRepeatable(
      STATISTICS_REFRESH_QUEUE,
      STATISTICS_REFRESH_JOB,
      STATISTICS_REFRESH_EVERY_MS,
    );
  }

  async run(): Promise<RefreshResult> {
    const compacted = await this.db.transaction((m) => compactChanges(m));
    const droppedParts = await dropStaleParts(this.db.manager);
    const codes = new Set([lastCompleteQuarter(this.clock.now()).code]);
    for (const code of await recentlyReadPeriods(this.db.manager, KEEP_WARM_DAYS)) codes.add(code);
    const rebuilt: string[] = [];
    // one after the other: this is background work and must not take the database from the officers
    for (const code of codes) {
      const { cached } = await this.statistics.publish(periodFromCode(code), false);
      if (!cached) rebuilt.push(code);
    }
    return { compacted, droppedParts, periods: [...codes], rebuilt };
  }
}
