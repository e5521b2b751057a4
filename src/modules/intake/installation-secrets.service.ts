import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** Installation-wide random values, created once (first caller wins) and cached. */
@Injectable()
export class InstallationSecretsService {
  private readonly cache = new Map<string, Promise<Buffer>>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  get(name: 'receipt_salt' | 'form_signing_key'): Promise<Buffer> {
    let value = this.cache.get(name);
    if (!value) {
      value = this.load(name);
      this.cache.set(name, value);
      value.catch(() => this.cache.delete(name));
    }
    return value;
  }

  private async load(name: string): Promise<Buffer> {
    await this.db.query(
      `INSERT INTO installation_secret (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
      [name, randomBytes(32)],
    );
    const rows: { value: Buffer }[] = await this.db.query(
      `SELECT value FROM installation_secret WHERE name = $1`,
      [name],
    );
    return rows[0].value;
  }
}
