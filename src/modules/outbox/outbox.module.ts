import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxMessageEntity } from './entities/outbox-message.entity.js';
import { OutboxRelay } from './outbox.relay.js';
import { OutboxService } from './outbox.service.js';

/**
 * Transactional outbox: side effects are written as rows in the transaction of the change and
 * relayed to BullMQ by OutboxRelay; a row is done only when its job completed, so a Redis outage
 * or restart delays side effects but loses nothing. Delivery is at least once. A daily job
 * deletes rows done for more than 7 days. Relay tuning (tests) comes from an optional global
 * OUTBOX_OPTIONS provider. Import this module statically only: a second instance would register
 * its processors twice (and fails loudly).
 */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxMessageEntity])],
  providers: [OutboxService, OutboxRelay],
  exports: [OutboxService],
})
export class OutboxModule {}
