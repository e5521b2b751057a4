import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { asSystem } from '../cases/case-access.js';
import { SettingsService } from '../settings/settings.service.js';
import { methodologyNote } from './disclosure/index.js';
import { aggregateMonth, releaseInput, type MonthPart } from './month-parts.js';
import { monthsOf, releaseMonths, type Period } from './period.js';
import {
  markRead,
  monthVersions,
  readCached,
  readMonthParts,
  RELEASE_CODE,
  releaseVersion,
  storeMonthParts,
  storeRelease,
} from './statistics-cache.js';
import { buildStatistics, type StatisticsResult } from './release-builder.js';

export interface StatisticsView extends StatisticsResult {
  methodology: { lang: 'de' | 'en'; text: string };
}

/**
 * Anonymised statistics across all organisations. Reads codes only — never a narrative, note or any
 * other free text — inside `asSystem` (case tables have row-level security per organisation), and
 * publishes nothing that has not gone through disclosure control.
 */
@Injectable()
export class StatisticsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly settings: SettingsService,
  ) {}

  async thresholds(): Promise<{ suppressionThreshold: number; districtGroundThreshold: number }> {
    return {
      suppressionThreshold: await this.settings.getInt('statistics.suppression_threshold'),
      districtGroundThreshold: await this.settings.getInt('statistics.district_ground_threshold'),
    };
  }

  /** The first year with any report or case (for the period picker); the current year without data. */
  async firstYear(): Promise<number> {
    const rows = await asSystem(this.db, (m) =>
      m.query(
        `SELECT extract(year FROM least(
           (SELECT min(created_at) FROM report), (SELECT min(created_at) FROM case_file)
         ) AT TIME ZONE 'Europe/Berlin')::int AS y`,
      ),
    );
    return (rows[0]?.y as number | null) ?? new Date().getFullYear();
  }

  async release(period: Period, lang: string): Promise<StatisticsView> {
    const { result } = await this.publish(period, true);
    const methodologyLang = lang === 'en' ? 'en' : 'de';
    return {
      ...result,
      methodology: {
        lang: methodologyLang,
        text: methodologyNote(methodologyLang, result.thresholds.base, result.thresholds.districtGround),
      },
    };
  }

  /**
   * The published release of a period: from the cache (./statistics-cache.ts) when nothing it counts
   * has changed since it was built with the same thresholds and districts, otherwise built from the
   * parts of its months (./month-parts.ts) — the stored ones whose month is unchanged, the others
   * aggregated from the data — and cached. The versions, the stored parts and the data are read in one
   * REPEATABLE READ snapshot, so neither a release nor a part is ever stored under a version that does
   * not describe exactly the data it was built from. `read` is false for the refresh job: only
   * officers' requests keep an entry warm.
   */
  async publish(period: Period, read: boolean): Promise<{ result: StatisticsResult; cached: boolean }> {
    const thresholds = await this.thresholds();
    const districts = (await this.settings.districts()).map((d) => d.code);
    const params = JSON.stringify({ format: RELEASE_CODE, thresholds, districts });
    const detailed = new Set(monthsOf(period));
    const started = performance.now();
    const got = await asSystem(
      this.db,
      async (m) => {
        const versions = await monthVersions(m, releaseMonths(period));
        const version = releaseVersion(versions);
        const cached = await readCached(m, period.code, version, params);
        if (cached) return { hit: true as const, version, cached };
        const parts = await readMonthParts(m, versions, detailed);
        const fresh: MonthPart[] = [];
        // these mid-sized aggregates are over the JIT threshold, but compiling costs more than it saves
        if (parts.size < versions.size) await m.query('SET LOCAL jit = off');
        for (const [month, v] of versions)
          if (!parts.has(month)) {
            const part = await aggregateMonth(m, month, v, detailed.has(month));
            parts.set(month, part);
            fresh.push(part);
          }
        return { hit: false as const, version, parts, fresh };
      },
      'REPEATABLE READ',
    );
    if (got.hit) {
      if (read && got.cached.readLongAgo) await markRead(this.db.manager, period.code);
      return { result: got.cached.result, cached: true };
    }
    await storeMonthParts(this.db.manager, got.fresh);
    const result = buildStatistics({ period, districts, thresholds, ...releaseInput(period, got.parts) });
    await storeRelease(
      this.db.manager,
      period.code,
      got.version,
      params,
      result,
      performance.now() - started,
      read,
    );
    return { result, cached: false };
  }
}
