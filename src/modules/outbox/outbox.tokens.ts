export const OUTBOX_OPTIONS = Symbol('OUTBOX_OPTIONS');

export interface OutboxOptions {
  /** pause between relay passes */
  intervalMs: number;
  /** a dispatched row still undone after this long is dispatched again (its job may have been lost) */
  redispatchAfterMs: number;
  batchSize: number;
  /** tests drive the relay with flush() */
  autoStart: boolean;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  intervalMs: 500,
  redispatchAfterMs: 30_000,
  batchSize: 100,
  autoStart: true,
};
