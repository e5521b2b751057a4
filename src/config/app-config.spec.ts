import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('runs embedded with no settings at all: PostgreSQL queue backend, workers in the app', () => {
    const c = loadConfig({});
    expect(c.database.url).toBeUndefined();
    expect(c.queue).toEqual({
      backend: 'postgres',
      redisUrl: undefined,
      workersInProcess: true,
      prefix: 'anl',
    });
    expect(c.http.port).toBe(3000);
    expect(c.session).toEqual({ idleMinutes: 30, absoluteHours: 12 });
  });

  it('uses Redis when REDIS_URL is given, with separate workers', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://app@db/x', REDIS_URL: 'redis://r:6379' });
    expect(c.queue).toEqual({
      backend: 'redis',
      redisUrl: 'redis://r:6379',
      workersInProcess: false,
      prefix: 'anl',
    });
    expect(c.database.migrationUrl).toBe('postgres://app@db/x');
  });

  it('fails fast naming the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL must be a postgres:\/\/ URL/,
    );
    expect(() => loadConfig({ SESSION_IDLE_MINUTES: '0' })).toThrow(/SESSION_IDLE_MINUTES/);
    expect(() => loadConfig({ QUEUE_BACKEND: 'redis' })).toThrow(
      /REDIS_URL is required when QUEUE_BACKEND=redis/,
    );
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });

  it('refuses production without a database or a master key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://a@b/c' })).toThrow(
      /DATA_KEY or DATA_KEY_FILE/,
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://a@b/c',
        DATA_KEY_FILE: '/run/secrets/k',
        REDIS_URL: 'redis://r',
      }),
    ).not.toThrow();
  });

  it('marks cookies Secure behind https unless told otherwise', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://meldestelle.example' }).http.cookieSecure).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).http.cookieSecure).toBe(false);
    expect(loadConfig({ PUBLIC_URL: 'https://x.example', COOKIE_SECURE: 'false' }).http.cookieSecure).toBe(
      false,
    );
  });
});
