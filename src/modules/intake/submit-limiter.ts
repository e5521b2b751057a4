import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { ClientThrottle } from './client-throttle.js';

/**
 * Report submissions per client, shared by the form and the JSON API (one budget, whichever way a
 * report comes in); in memory under a hash of the address, never stored or logged.
 */
@Injectable()
export class SubmitLimiter {
  private readonly throttle: ClientThrottle;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.throttle = new ClientThrottle({
      perClient: config.intake.rateLimitPer10Minutes,
      global: Number.MAX_SAFE_INTEGER,
      windowMs: 10 * 60_000,
    });
  }

  /** Counts this attempt; false when the client has used up its budget. */
  allow(address: string): boolean {
    const key = ClientThrottle.keyOf(address);
    if (this.throttle.blocked(key)) return false;
    this.throttle.fail(key);
    return true;
  }
}
