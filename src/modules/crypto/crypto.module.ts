/**
 * Crypto: envelope encryption with AES-256-GCM.
 * - A data key per report/case, stored wrapped (data_key); master keys come from DATA_KEY or
 *   DATA_KEY_FILE ("keyId:base64", first = active) and never enter the database. Embedded mode
 *   without either generates <EMBEDDED_DATA_DIR>/master.key once: back it up apart from the database.
 * - Ciphertext: version | IV | tag | body, bound to its data key id, so it cannot be moved to another record.
 * - Erasure destroys the data key (crypto-shredding). Rotation: put the new key first
 *   ("new:…,old:…"), run `npm run cli -- keys:rotate`, then drop the old key.
 * Exports only CryptoService.
 */
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CryptoService } from './crypto.service.js';
import { DataKeyEntity } from './entities/data-key.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([DataKeyEntity])],
  providers: [CryptoService],
  exports: [CryptoService],
})
export class CryptoModule {}
