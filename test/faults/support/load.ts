import { randomBytes } from 'node:crypto';
import { hashReceipt } from '../../../src/modules/intake/receipts.js';
import { normaliseReceipt } from '../../../src/modules/intake/report-validation.js';
import { withOwner } from '../../support/fixtures.js';
import { validReport } from '../../support/report-form.js';

/** One report as an API client submits it: retried with the same Idempotency-Key until it has a receipt. */
export interface Submission {
  index: number;
  key: string;
  receipt?: string;
  /** every answer in order: HTTP status, or 0 for a connection error */
  statuses: number[];
  /** the bodies of 5xx answers, to check they carry no receipt */
  failures: { status: number; body: string; at: number }[];
}

export interface LoadResult {
  submissions: Submission[];
  ms: number;
}

/**
 * Submits `total` reports to POST /api/v1/reports with `concurrency` clients. A report that gets a
 * 5xx or no answer is sent again with the same Idempotency-Key after `retryDelayMs`, as a careful API
 * client would; `onDone(count)` reports progress so a test can inject faults at fixed points.
 */
export async function submitReports(opts: {
  url: string;
  total: number;
  concurrency: number;
  retryDelayMs?: number;
  onDone?: (done: number) => void;
  /** once this returns true no new report is started: ends an open-ended load */
  stopped?: () => boolean;
}): Promise<LoadResult> {
  const started = Date.now();
  const submissions: Submission[] = [];
  let next = 0;
  let done = 0;
  const body = { ...validReport(), consentStore: true };
  async function one(index: number): Promise<Submission> {
    const s: Submission = { index, key: randomBytes(12).toString('base64url'), statuses: [], failures: [] };
    for (;;) {
      let status: number;
      let text = '';
      try {
        const res = await fetch(`${opts.url}/api/v1/reports`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': s.key },
          body: JSON.stringify({ ...body, narrative: `Fault test report ${index}.` }),
          signal: AbortSignal.timeout(30_000),
        });
        status = res.status;
        text = await res.text();
      } catch {
        status = 0;
      }
      s.statuses.push(status);
      if (status === 200 || status === 201) {
        s.receipt = (JSON.parse(text) as { receipt: string }).receipt;
        return s;
      }
      if (status !== 0 && status < 500) throw new Error(`report ${index}: unexpected ${status}: ${text}`);
      s.failures.push({ status, body: text, at: Date.now() });
      await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 500));
    }
  }
  async function client(): Promise<void> {
    while (next < opts.total && !opts.stopped?.()) {
      const index = next++;
      submissions.push(await one(index));
      done++;
      opts.onDone?.(done);
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, () => client()));
  return { submissions, ms: Date.now() - started };
}

/**
 * Checks every receipt the way the app's mailbox login does (argon2id with the installation salt,
 * the hash is the lookup key): returns how many stored reports each receipt matches, and the number
 * of stored reports.
 */
export async function matchReceipts(
  ownerUrl: string,
  receipts: string[],
): Promise<{ stored: number; matches: number[] }> {
  // read what is needed and disconnect: hashing takes long, and the database may be stopped meanwhile
  const { salt, hashes } = await withOwner(ownerUrl, async (c) => ({
    salt: (
      await c.query<{ value: Buffer }>(`SELECT value FROM installation_secret WHERE name = 'receipt_salt'`)
    ).rows[0].value,
    hashes: (await c.query<{ h: string }>('SELECT receipt_hash AS h FROM report')).rows.map((r) => r.h),
  }));
  const counts = new Map<string, number>();
  for (const h of hashes) counts.set(h, (counts.get(h) ?? 0) + 1);
  const matches: number[] = [];
  // eight at a time: argon2id runs on libuv's thread pool
  for (let i = 0; i < receipts.length; i += 8) {
    const batch = await Promise.all(
      receipts.slice(i, i + 8).map((r) => hashReceipt(normaliseReceipt(r) ?? 'invalid', salt)),
    );
    for (const h of batch) matches.push(counts.get(h) ?? 0);
  }
  return { stored: hashes.length, matches };
}
