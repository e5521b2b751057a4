import { createHash } from 'node:crypto';

/**
 * Failed-attempt counters in memory only: per client (a hash of the address, never stored or
 * logged) and for the whole process, in fixed windows. Used against receipt guessing; a restart
 * forgets them, which costs an attacker nothing they couldn't get by waiting out the window.
 */
export class ClientThrottle {
  private readonly perClient = new Map<string, { count: number; windowStart: number }>();
  private global = { count: 0, windowStart: 0 };

  constructor(
    private readonly opts: { perClient: number; global: number; windowMs: number; now?: () => number },
  ) {}

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  static keyOf(address: string): string {
    return createHash('sha256').update(`throttle:${address}`).digest('base64url').slice(0, 16);
  }

  blocked(clientKey: string): boolean {
    const now = this.now();
    if (now - this.global.windowStart > this.opts.windowMs) this.global = { count: 0, windowStart: now };
    if (this.global.count >= this.opts.global) return true;
    const c = this.perClient.get(clientKey);
    return !!c && now - c.windowStart <= this.opts.windowMs && c.count >= this.opts.perClient;
  }

  fail(clientKey: string): void {
    const now = this.now();
    this.global.count++;
    const c = this.perClient.get(clientKey);
    if (!c || now - c.windowStart > this.opts.windowMs)
      this.perClient.set(clientKey, { count: 1, windowStart: now });
    else c.count++;
    if (this.perClient.size > 100_000) this.sweep(now);
  }

  private sweep(now: number): void {
    for (const [k, v] of this.perClient)
      if (now - v.windowStart > this.opts.windowMs) this.perClient.delete(k);
  }
}
