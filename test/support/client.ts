import { generate } from 'otplib';

export interface Res {
  status: number;
  headers: Headers;
  body: string;
  location: string | null;
  json<T = any>(): T;
}

/** A minimal browser over fetch: keeps cookies, finds CSRF tokens in pages, posts forms, never follows redirects. */
export class Client {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(
    readonly base: string,
    /** sent with every request, e.g. X-Forwarded-For to prove client addresses are never logged */
    readonly defaultHeaders: Record<string, string> = {},
  ) {}

  private remember(headers: Headers): void {
    for (const c of headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(
    method: string,
    path: string,
    opts: {
      form?: Record<string, string | string[]>;
      json?: unknown;
      headers?: Record<string, string>;
      body?: RequestInit['body'];
    } = {},
  ): Promise<Res> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...(opts.headers ?? {}) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: RequestInit['body'] = opts.body;
    if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.form))
        for (const x of Array.isArray(v) ? v : [v]) params.append(k, x);
      body = params.toString();
    } else if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    this.remember(res.headers);
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1];
    return {
      status: res.status,
      headers: res.headers,
      body: text,
      location: res.headers.get('location'),
      json: () => JSON.parse(text),
    };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers });
  }

  /** Posts a form the way a browser would: with the page's CSRF token and same-origin headers. */
  post(path: string, form: Record<string, string | string[]> = {}, headers: Record<string, string> = {}) {
    return this.request('POST', path, {
      form: { _csrf: this.csrf, ...form },
      headers: { 'sec-fetch-site': 'same-origin', ...headers },
    });
  }

  /** JSON API call with the session's CSRF token. */
  api(method: string, path: string, json?: unknown) {
    return this.request(method, path, { json, headers: { 'x-csrf-token': this.csrf } });
  }

  /**
   * Logs in through the pages; enrols TOTP when asked (returns the secret and recovery codes); gives a
   * TOTP code for the next time step when a second factor is due (the current one may be used up).
   */
  async login(
    email: string,
    password: string,
    secret?: string,
  ): Promise<{ secret?: string; recoveryCodes?: string[]; location: string }> {
    await this.get('/login');
    const res = await this.post('/login', { email, password });
    if (res.status !== 303) throw new Error(`login failed: ${res.status} ${res.body.slice(0, 300)}`);
    let location = res.location!;
    let recoveryCodes: string[] | undefined;
    if (location === '/login/mfa/setup') {
      const page = await this.get(location);
      secret = /class="receipt-code" dir="ltr">([A-Z2-7 ]+)</.exec(page.body)![1].replace(/ /g, '');
      const done = await this.post('/login/mfa/setup', { code: await generate({ secret }) });
      if (done.status !== 200) throw new Error(`enrolment failed: ${done.status}`);
      recoveryCodes = [...done.body.matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g)].map((m) => m[1]);
      location = /<a class="kern-btn kern-btn--primary" href="([^"]+)"/.exec(done.body)?.[1] ?? '/staff';
    } else if (location === '/login/mfa') {
      if (!secret) throw new Error('second factor required but no secret given');
      await this.get(location);
      const done = await this.post('/login/mfa', {
        code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }),
      });
      if (done.status !== 303) throw new Error(`mfa failed: ${done.status} ${done.body.slice(0, 300)}`);
      location = done.location!;
    }
    await this.get(location);
    return { secret, recoveryCodes, location };
  }
}
