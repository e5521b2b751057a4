/**
 * Unwrapped data keys by id: bounded, least recently used first out. The TTL bounds how long a key
 * destroyed by another process (e.g. the retention worker) stays usable in this one.
 * Keys are not zeroed on eviction: a concurrent encrypt may still hold the buffer.
 */
export class DataKeyCache {
  private readonly entries = new Map<string, { key: Buffer; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): Buffer | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (entry.expiresAt <= this.now()) return undefined;
    // re-insert: Map iteration order is insertion order, so the first key is the least recently used
    this.entries.set(id, entry);
    return entry.key;
  }

  set(id: string, key: Buffer): void {
    this.entries.delete(id);
    this.entries.set(id, { key, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
