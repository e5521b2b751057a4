import { randomBytes } from 'node:crypto';
import { Global, Logger, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config.js';
import { ConfigModule } from '../src/config/config.module.js';
import { buildDataSourceOptions } from '../src/database/data-source.js';
import { NotificationsModule } from '../src/modules/notifications/notifications.module.js';
import { STAFF_DIRECTORY, type StaffDirectory } from '../src/modules/notifications/staff-directory.js';
import { StaffEmailProcessor } from '../src/modules/notifications/staff-email.processor.js';
import { OutboxRelay } from '../src/modules/outbox/outbox.relay.js';
import { OUTBOX_OPTIONS } from '../src/modules/outbox/outbox.tokens.js';
import { QueueModule } from '../src/modules/queue/queue.module.js';
import { QueueService } from '../src/modules/queue/queue.service.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { REDIS_URL } from './support/env.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

Logger.overrideLogger(['error']);

const STAFF_ADDRESS = 'counsellor@beratung.example.org';
const directory: StaffDirectory = {
  async contactOf(userId) {
    return userId === 'user-1' ? { email: STAFF_ADDRESS, lang: 'en' } : null;
  },
};

@Global()
@Module({
  providers: [
    { provide: STAFF_DIRECTORY, useValue: directory },
    { provide: OUTBOX_OPTIONS, useValue: { autoStart: false } },
  ],
  exports: [STAFF_DIRECTORY, OUTBOX_OPTIONS],
})
class TestProvidersModule {}

describe('staff e-mail via the outbox', () => {
  const prefix = `anltest-${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let sink: SmtpSink;
  let module: TestingModule;
  let dataSource: DataSource;
  let relay: OutboxRelay;
  let staffEmail: StaffEmailProcessor;

  const completed = async (id: string) => {
    const [r] = (await dataSource.query('SELECT completed_at FROM outbox_message WHERE id = $1', [id])) as {
      completed_at: Date | null;
    }[];
    return r.completed_at !== null;
  };
  const relayUntilCompleted = async (id: string) => {
    const deadline = Date.now() + 20000;
    while (!(await completed(id))) {
      if (Date.now() > deadline) throw new Error(`outbox row ${id} not completed in time`);
      await relay.flush();
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase('notif');
    sink = await startSmtpSink();
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: db.appUrl,
      REDIS_URL,
      SMTP_URL: sink.url,
      MAIL_FROM: 'anlaufstelle@stadt.example.org',
      PUBLIC_URL: 'https://anlaufstelle.example.org',
    });
    module = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot(buildDataSourceOptions(db.appUrl, 5)),
        QueueModule.forRoot({ tuning: { prefix, backoffMs: 100 } }),
        TestProvidersModule,
        NotificationsModule,
      ],
    }).compile();
    await module.init();
    await module.get(QueueService).startWorkers();
    dataSource = module.get<DataSource>(getDataSourceToken());
    relay = module.get(OutboxRelay);
    staffEmail = module.get(StaffEmailProcessor);
  });

  afterAll(async () => {
    await module?.close();
    await sink?.stop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db?.drop();
  });

  it('delivers a new-report notice with a Message-ID derived from the outbox id and nothing else', async () => {
    const id = await dataSource.transaction((m) => staffEmail.queue(m, 'user-1', 'new-report'));
    await relayUntilCompleted(id);
    const [message] = await sink.waitFor(1);
    expect(message.to).toEqual([STAFF_ADDRESS]);
    expect(message.messageId).toBe(`<outbox-${id}@anlaufstelle.example.org>`);
    expect(message.subject).toBe('Anlaufstelle: a new report is waiting');
    expect(message.text).toContain('https://anlaufstelle.example.org/login');
    // the only address in the message is the recipient's (and the sender's)
    const addresses = new Set(message.raw.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g));
    addresses.delete(STAFF_ADDRESS);
    addresses.delete('anlaufstelle@stadt.example.org');
    addresses.delete(`outbox-${id}@anlaufstelle.example.org`);
    expect([...addresses]).toEqual([]);
    expect(message.text).not.toContain('user-1');
  });

  it('sends a re-delivered outbox row again with the same Message-ID', async () => {
    const before = sink.messages.length;
    const id = await dataSource.transaction((m) => staffEmail.queue(m, 'user-1', 'test-message'));
    await relayUntilCompleted(id);
    // a crash after sending but before completing the row: the relay dispatches it again
    await dataSource.query(
      `UPDATE outbox_message SET completed_at = NULL, dispatched_at = now() - interval '1 hour' WHERE id = $1`,
      [id],
    );
    await relayUntilCompleted(id);
    const messages = (await sink.waitFor(before + 2)).slice(before);
    expect(messages).toHaveLength(2);
    expect(messages[0].messageId).toBe(`<outbox-${id}@anlaufstelle.example.org>`);
    expect(messages[1].messageId).toBe(messages[0].messageId);
    expect(messages[0].subject).toBe('Anlaufstelle: test e-mail');
  });

  it('completes without sending when the user no longer exists', async () => {
    const before = sink.messages.length;
    const id = await dataSource.transaction((m) => staffEmail.queue(m, 'deleted-user', 'new-report'));
    await relayUntilCompleted(id);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages.length).toBe(before);
  });
});
