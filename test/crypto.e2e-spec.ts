import { randomBytes } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config.js';
import { ConfigModule } from '../src/config/config.module.js';
import { buildDataSourceOptions } from '../src/database/data-source.js';
import { CryptoError, CryptoIntegrityError } from '../src/modules/crypto/crypto.errors.js';
import { CryptoModule } from '../src/modules/crypto/crypto.module.js';
import { CryptoService } from '../src/modules/crypto/crypto.service.js';
import { DataKeyEntity } from '../src/modules/crypto/entities/data-key.entity.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

const keyA = `a:${randomBytes(32).toString('base64')}`;
const keyB = `b:${randomBytes(32).toString('base64')}`;

interface Booted {
  crypto: CryptoService;
  dataSource: DataSource;
  close(): Promise<void>;
}

describe('CryptoService (PostgreSQL, app role)', () => {
  let db: TestDatabase;
  let owner: pg.Client;
  const booted: TestingModule[] = [];

  /** The real module wiring, as the app builds it; DATA_KEY is the only thing that varies. */
  async function boot(dataKey: string): Promise<Booted> {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.appUrl,
      DATA_KEY: dataKey,
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(buildDataSourceOptions(db.appUrl, 4)),
        CryptoModule,
      ],
    }).compile();
    await moduleRef.init();
    booted.push(moduleRef);
    return {
      crypto: moduleRef.get(CryptoService),
      dataSource: moduleRef.get(DataSource),
      close: () => moduleRef.close(),
    };
  }

  beforeAll(async () => {
    db = await createTestDatabase('crypto');
    owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
  });

  afterAll(async () => {
    for (const m of booted) await m.close().catch(() => undefined);
    await owner?.end();
    await db?.drop();
  });

  it('round-trips text and bytes through the database, also from another process', async () => {
    const { crypto, dataSource } = await boot(keyA);
    const { id, sealed, blob } = await dataSource.transaction(async (m) => {
      const id = await crypto.createDataKey(m);
      return {
        id,
        sealed: await crypto.encrypt(id, 'Beratung am 3. März — مرحبا', m),
        blob: await crypto.encrypt(id, Buffer.from([0, 1, 2, 255]), m),
      };
    });
    const row = await dataSource.getRepository(DataKeyEntity).findOneByOrFail({ id });
    expect(row.masterKeyId).toBe('a');
    expect(row.wrapped?.length).toBe(1 + 12 + 16 + 32);

    // a fresh instance has an empty cache: the key really comes from the row
    const other = await boot(keyA);
    expect(await other.crypto.decryptString(id, sealed)).toBe('Beratung am 3. März — مرحبا');
    expect([...(await other.crypto.decrypt(id, blob))]).toEqual([0, 1, 2, 255]);
  });

  it('leaves no data key behind when the caller rolls back', async () => {
    const { crypto, dataSource } = await boot(keyA);
    let id = '';
    await expect(
      dataSource.transaction(async (m) => {
        id = await crypto.createDataKey(m);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await dataSource.getRepository(DataKeyEntity).existsBy({ id })).toBe(false);
  });

  it('refuses a ciphertext moved to another record, and unknown key ids', async () => {
    const { crypto } = await boot(keyA);
    const [first, second] = [await crypto.createDataKey(), await crypto.createDataKey()];
    const sealed = await crypto.encrypt(first, 'only for the first record');
    await expect(crypto.decrypt(second, sealed)).rejects.toThrow(CryptoIntegrityError);
    await expect(crypto.decrypt('8a1e7c55-0000-4000-8000-000000000000', sealed)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(crypto.decrypt('not-a-uuid', sealed)).rejects.toBeInstanceOf(CryptoError);
  });

  it('makes data unreadable once its key is destroyed (crypto-shredding)', async () => {
    const { crypto, dataSource } = await boot(keyA);
    const id = await crypto.createDataKey();
    const sealed = await crypto.encrypt(id, 'to be erased');
    expect(await crypto.decryptString(id, sealed)).toBe('to be erased'); // now cached

    await dataSource.transaction((m) => crypto.destroyDataKey(id, m));
    const destroyed = { code: 'not_found', messageKey: 'errors.data_destroyed' };
    await expect(crypto.decrypt(id, sealed)).rejects.toMatchObject(destroyed);
    await expect(crypto.encrypt(id, 'more')).rejects.toMatchObject(destroyed);
    await expect((await boot(keyA)).crypto.decrypt(id, sealed)).rejects.toMatchObject(destroyed);

    const row = await dataSource.getRepository(DataKeyEntity).findOneByOrFail({ id });
    expect(row.wrapped).toBeNull();
    expect(row.destroyedAt).toBeInstanceOf(Date);
    await crypto.destroyDataKey(id); // idempotent
    await expect(crypto.destroyDataKey('8a1e7c55-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('rotates: A → "B,A" + rewrapAll → everything under B → "B" alone still decrypts', async () => {
    const a = await boot(keyA);
    const samples: { id: string; sealed: Buffer; text: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const id = await a.crypto.createDataKey();
      const text = `record ${i}`;
      samples.push({ id, sealed: await a.crypto.encrypt(id, text), text });
    }
    const shredded = await a.crypto.createDataKey();
    await a.crypto.destroyDataKey(shredded);
    const liveUnderA = Number(
      (await owner.query(`SELECT count(*) FROM data_key WHERE master_key_id = 'a' AND wrapped IS NOT NULL`))
        .rows[0].count,
    );

    const ba = await boot(`${keyB},${keyA}`);
    expect(ba.crypto.activeKeyId()).toBe('b');
    expect(await ba.crypto.decryptString(samples[0].id, samples[0].sealed)).toBe('record 0'); // A still unwraps
    expect(await ba.crypto.rewrapAll(3)).toEqual({ rewrapped: liveUnderA });
    expect(await ba.crypto.rewrapAll(3)).toEqual({ rewrapped: 0 });

    const { rows } = await owner.query(
      `SELECT master_key_id, count(*)::int AS n FROM data_key WHERE wrapped IS NOT NULL GROUP BY 1`,
    );
    expect(rows).toEqual([{ master_key_id: 'b', n: liveUnderA }]);
    const destroyedRow = await owner.query(`SELECT master_key_id, wrapped FROM data_key WHERE id = $1`, [
      shredded,
    ]);
    expect(destroyedRow.rows[0]).toEqual({ master_key_id: 'a', wrapped: null });

    const b = await boot(keyB);
    for (const s of samples) expect(await b.crypto.decryptString(s.id, s.sealed)).toBe(s.text);
    const fresh = await b.crypto.createDataKey();
    expect(await b.crypto.decryptString(fresh, await b.crypto.encrypt(fresh, 'new'))).toBe('new');

    // without the master key a data key is wrapped with, the error says which key is missing
    const c = await boot(`c:${randomBytes(32).toString('base64')}`);
    await expect(c.crypto.decrypt(samples[0].id, samples[0].sealed)).rejects.toThrow(
      /master key "b".*DATA_KEY/,
    );
  });

  it('stores no plaintext: the marker appears nowhere in the table bytes', async () => {
    await owner.query(
      `CREATE TABLE crypto_probe (id serial PRIMARY KEY, data_key_id uuid NOT NULL, body bytea NOT NULL)`,
    );
    await owner.query(`GRANT SELECT, INSERT ON crypto_probe TO ${new URL(db.appUrl).username}`);
    await owner.query(`GRANT USAGE ON SEQUENCE crypto_probe_id_seq TO ${new URL(db.appUrl).username}`);
    const { crypto, dataSource } = await boot(keyA);
    const marker = `MARKER-${randomBytes(6).toString('hex')}`;
    for (let i = 0; i < 20; i++) {
      const id = await crypto.createDataKey();
      const body = await crypto.encrypt(id, `Name: Amal ${marker} Telefon 0345 ${marker}`);
      await dataSource.query(`INSERT INTO crypto_probe (data_key_id, body) VALUES ($1, $2)`, [id, body]);
    }
    const probe = async (sql: string) => Number((await owner.query(sql, [marker])).rows[0].count);
    expect(
      await probe(`SELECT count(*) FROM crypto_probe WHERE position(convert_to($1, 'UTF8') in body) > 0`),
    ).toBe(0);
    expect(
      await probe(`SELECT count(*) FROM crypto_probe WHERE encode(body, 'escape') LIKE '%' || $1 || '%'`),
    ).toBe(0);
    expect(await probe(`SELECT count(*) FROM data_key d WHERE d::text LIKE '%' || $1 || '%'`)).toBe(0);

    // control: the probe would see it if it were there, and the stored bytes do decrypt to it
    await owner.query(
      `INSERT INTO crypto_probe (data_key_id, body) VALUES (gen_random_uuid(), convert_to($1, 'UTF8'))`,
      [marker],
    );
    expect(
      await probe(`SELECT count(*) FROM crypto_probe WHERE position(convert_to($1, 'UTF8') in body) > 0`),
    ).toBe(1);
    const { rows } = await owner.query(`SELECT data_key_id, body FROM crypto_probe ORDER BY id LIMIT 1`);
    expect(await crypto.decryptString(rows[0].data_key_id, rows[0].body)).toContain(marker);
  });
});
