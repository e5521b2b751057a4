import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { AuditService } from '../audit/audit.service.js';
import { SettingEntity } from './entities/setting.entity.js';
import { checkSettingValue, findSetting, SETTINGS, type District } from './settings.registry.js';

export class SettingsError extends DomainError {}

const CACHE_MS = 30_000;

export interface SettingView {
  key: string;
  group: string;
  value: unknown;
  default: unknown;
  isDefault: boolean;
  updatedAt: Date | null;
}

/** Reads policy settings (stored value or registered default) and changes them with an audit entry. */
@Injectable()
export class SettingsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<SettingView[]> {
    const rows = await this.db.getRepository(SettingEntity).find();
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return SETTINGS.map((def) => {
      const row = byKey.get(def.key);
      return {
        key: def.key,
        group: def.group,
        value: row ? row.value : def.default,
        default: def.default,
        isDefault: !row,
        updatedAt: row?.updatedAt ?? null,
      };
    });
  }

  /**
   * Policy settings are read on nearly every page; they change rarely. Cached per process for
   * CACHE_MS (another process's change is seen within that time; this process's at once).
   */
  private readonly cache = new Map<string, { value: unknown; at: number }>();

  async get<T = unknown>(key: string): Promise<T> {
    const def = findSetting(key);
    if (!def) throw new SettingsError('not_found', 'settings.errors.unknown');
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value as T;
    const row = await this.db.getRepository(SettingEntity).findOneBy({ key });
    const value = row ? row.value : def.default;
    this.cache.set(key, { value, at: Date.now() });
    return value as T;
  }

  getInt(key: string): Promise<number> {
    return this.get<number>(key);
  }

  districts(): Promise<District[]> {
    return this.get<District[]>('intake.districts');
  }

  async set(
    actor: { userId: string | null; organisationId: string | null },
    key: string,
    raw: unknown,
  ): Promise<SettingView> {
    const def = findSetting(key);
    if (!def) throw new SettingsError('not_found', 'settings.errors.unknown');
    const checked = checkSettingValue(def, raw);
    if ('error' in checked)
      throw new SettingsError('validation', 'errors.validation', {}, [
        { field: key, messageKey: checked.error },
      ]);
    this.cache.delete(key);
    await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO setting (key, value, updated_at, updated_by) VALUES ($1, $2, now(), $3)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`,
        [key, JSON.stringify(checked.value), actor.userId],
      );
      await this.audit.record(m, {
        actorType: actor.userId ? 'staff' : 'system',
        actorId: actor.userId,
        organisationId: actor.organisationId,
        action: 'setting.change',
        entityType: 'setting',
        entityId: key,
      });
    });
    this.cache.delete(key);
    return (await this.list()).find((s) => s.key === key)!;
  }

  /** Back to the registered default (the row is removed; audited). */
  async reset(actor: { userId: string | null; organisationId: string | null }, key: string): Promise<void> {
    if (!findSetting(key)) throw new SettingsError('not_found', 'settings.errors.unknown');
    this.cache.delete(key);
    await this.db.transaction(async (m) => {
      await m.getRepository(SettingEntity).delete({ key });
      await this.audit.record(m, {
        actorType: actor.userId ? 'staff' : 'system',
        actorId: actor.userId,
        organisationId: actor.organisationId,
        action: 'setting.reset',
        entityType: 'setting',
        entityId: key,
      });
    });
  }
}
