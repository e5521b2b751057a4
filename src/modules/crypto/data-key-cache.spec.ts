import { DataKeyCache } from './data-key-cache.js';

describe('DataKeyCache', () => {
  const key = (n: number) => Buffer.alloc(32, n);

  it('evicts the least recently used entry when full', () => {
    const cache = new DataKeyCache(2);
    cache.set('a', key(1));
    cache.set('b', key(2));
    cache.get('a');
    cache.set('c', key(3));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(key(1));
    expect(cache.get('c')).toEqual(key(3));
    expect(cache.size).toBe(2);
  });

  it('forgets entries after the TTL and on delete', () => {
    let now = 0;
    const cache = new DataKeyCache(10, 1000, () => now);
    cache.set('a', key(1));
    cache.set('b', key(2));
    cache.delete('b');
    expect(cache.get('b')).toBeUndefined();
    now = 999;
    expect(cache.get('a')).toEqual(key(1));
    now = 1999;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
