import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Not, type EntityManager, type Repository } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { CryptoError, CryptoIntegrityError } from './crypto.errors.js';
import { DataKeyCache } from './data-key-cache.js';
import { DataKeyEntity } from './entities/data-key.entity.js';
import { KEY_BYTES, dataAad, open, seal, wrapAad } from './envelope.js';
import { loadMasterKeys, type MasterKeyRing } from './master-keys.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Envelope encryption: each record has its own data key, stored wrapped by a master key that never
 * enters the database. Methods take the caller's EntityManager so keys are created and destroyed
 * inside the transaction of the record they belong to.
 */
@Injectable()
export class CryptoService implements OnModuleDestroy {
  private readonly logger = new Logger(CryptoService.name);
  private readonly ring: MasterKeyRing;
  private readonly cache = new DataKeyCache();

  constructor(
    @InjectRepository(DataKeyEntity) private readonly dataKeys: Repository<DataKeyEntity>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ring = loadMasterKeys(config, this.logger);
  }

  activeKeyId(): string {
    return this.ring.active.id;
  }

  async createDataKey(manager?: EntityManager): Promise<string> {
    const row = this.newDataKey();
    await this.repository(manager).insert(row);
    return row.id;
  }

  /**
   * A fresh data key as the `data_key` row to insert — for a caller that writes the row within a
   * larger statement of its own (see IntakeService.submit); createDataKey() inserts it itself. The
   * unwrapped key is cached at once, so the encryptions that follow need no read-back (should the row
   * never be written, its id is random and unknown to the database: the cache entry is inert).
   */
  newDataKey(): { id: string; masterKeyId: string; wrapped: Buffer } {
    // the id is chosen here because the wrapping binds it (AAD) before the row exists
    const id = randomUUID();
    const { active } = this.ring;
    const key = randomBytes(KEY_BYTES);
    const wrapped = seal(active.key, key, wrapAad(id, active.id));
    this.cache.set(id, key);
    return { id, masterKeyId: active.id, wrapped };
  }

  async encrypt(dataKeyId: string, plaintext: string | Buffer, manager?: EntityManager): Promise<Buffer> {
    const key = await this.dataKey(dataKeyId, manager);
    const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    return seal(key, bytes, dataAad(dataKeyId));
  }

  async decrypt(dataKeyId: string, ciphertext: Buffer, manager?: EntityManager): Promise<Buffer> {
    const key = await this.dataKey(dataKeyId, manager);
    return open(key, ciphertext, dataAad(dataKeyId));
  }

  async decryptString(dataKeyId: string, ciphertext: Buffer, manager?: EntityManager): Promise<string> {
    return (await this.decrypt(dataKeyId, ciphertext, manager)).toString('utf8');
  }

  /**
   * Crypto-shredding: everything encrypted with this key becomes unreadable. Idempotent. The old
   * wrapped bytes survive only in backups and WAL until those expire (documented retention).
   */
  async destroyDataKey(dataKeyId: string, manager?: EntityManager): Promise<void> {
    this.cache.delete(dataKeyId);
    if (!UUID.test(dataKeyId)) throw new CryptoError('not_found');
    const repository = this.repository(manager);
    const { affected } = await repository.update(
      { id: dataKeyId, destroyedAt: IsNull() },
      { wrapped: null, destroyedAt: new Date() },
    );
    if (!affected && !(await repository.exists({ where: { id: dataKeyId } }))) {
      throw new CryptoError('not_found');
    }
  }

  /**
   * Re-wraps every live data key not yet under the active master key (keys:rotate). Batches keep
   * transactions and locks short; keyset paging guarantees progress. Fails loudly when a key's master
   * key is not configured instead of leaving it behind.
   */
  async rewrapAll(batchSize = 500): Promise<{ rewrapped: number }> {
    const { active } = this.ring;
    let rewrapped = 0;
    let after = NIL_UUID;
    for (;;) {
      const count = await this.dataKeys.manager.transaction(async (manager) => {
        const rows = await manager.find(DataKeyEntity, {
          where: { id: MoreThan(after), wrapped: Not(IsNull()), masterKeyId: Not(active.id) },
          order: { id: 'ASC' },
          take: batchSize,
          lock: { mode: 'pessimistic_write' },
        });
        for (const row of rows) {
          const key = this.unwrap(row);
          const wrapped = seal(active.key, key, wrapAad(row.id, active.id));
          await manager.update(DataKeyEntity, { id: row.id }, { masterKeyId: active.id, wrapped });
        }
        if (rows.length > 0) after = rows[rows.length - 1].id;
        return rows.length;
      });
      if (count === 0) break;
      rewrapped += count;
      this.logger.log(`re-wrapped ${rewrapped} data keys with master key ${active.id}`);
    }
    return { rewrapped };
  }

  onModuleDestroy(): void {
    this.cache.clear();
  }

  private repository(manager?: EntityManager): Repository<DataKeyEntity> {
    return manager ? manager.getRepository(DataKeyEntity) : this.dataKeys;
  }

  private async dataKey(id: string, manager?: EntityManager): Promise<Buffer> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const row = UUID.test(id) ? await this.repository(manager).findOne({ where: { id } }) : null;
    if (!row) throw new CryptoError('not_found');
    const key = this.unwrap(row);
    this.cache.set(id, key);
    return key;
  }

  private unwrap(row: DataKeyEntity): Buffer {
    if (!row.wrapped) throw new CryptoError('not_found', 'errors.data_destroyed');
    const master = this.ring.byId.get(row.masterKeyId);
    if (!master) {
      throw new CryptoIntegrityError(
        `data key ${row.id} is wrapped with master key "${row.masterKeyId}", which is not in DATA_KEY / DATA_KEY_FILE`,
      );
    }
    try {
      return open(master.key, row.wrapped, wrapAad(row.id, row.masterKeyId));
    } catch (e) {
      throw new CryptoIntegrityError(`data key ${row.id} failed to unwrap with master key "${master.id}"`, {
        cause: e,
      });
    }
  }
}
