// An HttpClient that answers registry-style 401 challenges (Bearer tokens, Basic) and 429 back-off for one scope.
import { createHash } from 'node:crypto';
import { parseChallenges, type Challenge } from './challenge';
import type { Credential, CredentialSource } from './credentials';
import type { HttpClient, HttpRequest, HttpResult } from './http';
import { safeUrl } from './url';

export const TOKEN_MAX_BYTES = 1024 * 1024;
const DEFAULT_TOKEN_SECONDS = 60;

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** Bearer tokens by realm/service/scope/identity, kept until expiry. In memory only: tokens are secrets. */
export class TokenCache {
  private readonly map = new Map<string, CachedToken>();
  /** The last challenge seen per origin, so later requests send credentials up front (one round trip less). */
  readonly challenges = new Map<string, AuthState>();
  /** Token fetches performed (for tests and the benchmark). */
  fetches = 0;
  constructor(private readonly now: () => number = Date.now) {}
  get(key: string): string | undefined {
    const t = this.map.get(key);
    if (t === undefined) return undefined;
    if (t.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    return t.token;
  }
  set(key: string, token: string, seconds: number): void {
    if (this.map.size > 1000) this.map.clear();
    // Renew a little early so a token does not expire between check and use.
    this.map.set(key, { token, expiresAt: this.now() + Math.max(1, seconds - 5) * 1000 });
  }
  /** Drops a token the server no longer accepts. */
  forget(token: string): void {
    for (const [k, t] of this.map) if (t.token === token) this.map.delete(k);
  }
  clear(): void {
    this.map.clear();
    this.challenges.clear();
  }
}

export interface RateLimitInfo {
  /** `ratelimit-limit` as sent (Docker Hub: "100;w=21600"). */
  readonly limit?: string;
  readonly remaining?: string;
  readonly source?: string;
}

export interface AuthenticatedClientOptions {
  readonly http: HttpClient;
  /** The host whose credentials may be used (a registry host as in image references, or a notary host). */
  readonly credentialHost: string;
  /** The origin those credentials belong to (e.g. https://registry-1.docker.io): only its own challenges get them. */
  readonly credentialOrigin: string;
  readonly credentials: CredentialSource;
  /** Token scope, e.g. `repository:library/alpine:pull`. */
  readonly scope: string;
  readonly tokens: TokenCache;
  /** 429 handling: at most this many retries (default 2) … */
  readonly maxRetries?: number;
  /** … waiting at most this long in total (default 10 s); a longer Retry-After ends as rate-limited at once. */
  readonly maxRetryWaitMs?: number;
  readonly onRateLimit?: (info: RateLimitInfo) => void;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Seconds from a Retry-After header (delta seconds or an HTTP date), null when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number = Date.now()): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^[0-9]+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function identityKey(cred: Credential | null): string {
  if (cred === null) return 'anonymous';
  const material = cred.kind === 'basic' ? `b:${cred.username}:${cred.secret}` : `t:${cred.token}`;
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

function rateLimitOf(headers: Readonly<Record<string, string>>): RateLimitInfo | null {
  const limit = headers['ratelimit-limit'];
  const remaining = headers['ratelimit-remaining'];
  const source = headers['docker-ratelimit-source'];
  if (limit === undefined && remaining === undefined) return null;
  const clip = (s: string | undefined): string | undefined => (s === undefined ? undefined : s.replace(/[^\x20-\x7e]/g, '').slice(0, 64));
  return { ...(limit !== undefined ? { limit: clip(limit) } : {}), ...(remaining !== undefined ? { remaining: clip(remaining) } : {}), ...(source !== undefined ? { source: clip(source) } : {}) };
}

export type AuthState = { readonly scheme: 'bearer'; readonly realm: string; readonly service: string } | { readonly scheme: 'basic' };

/**
 * Wraps `http` so requests answer 401 challenges for `scope`: Bearer (token from the challenge's realm,
 * cached until expiry) or Basic. Credentials go only to the realm named by a challenge from
 * `credentialOrigin` itself, and the transport drops them on any cross-origin redirect.
 * 429 answers are retried after Retry-After within a bounded budget. Never throws.
 */
export function createAuthenticatedClient(opts: AuthenticatedClientOptions): HttpClient {
  const maxRetries = opts.maxRetries ?? 2;
  const maxWait = opts.maxRetryWaitMs ?? 10_000;
  const sleep = opts.sleep ?? abortableSleep;
  const states = opts.tokens.challenges;
  let credential: Promise<Credential | null> | null = null;
  const getCredential = (): Promise<Credential | null> => {
    credential ??= opts.credentials(opts.credentialHost).catch(() => null);
    return credential;
  };

  async function fetchToken(challenge: { realm: string; service: string }, mayUseCredentials: boolean, req: HttpRequest): Promise<{ token: string } | { failure: HttpResult } | null> {
    const cred = mayUseCredentials ? await getCredential() : null;
    const key = `${challenge.realm}|${challenge.service}|${opts.scope}|${identityKey(cred)}`;
    const cached = opts.tokens.get(key);
    if (cached !== undefined) return { token: cached };
    let realm: URL;
    try {
      realm = new URL(challenge.realm);
    } catch {
      return { failure: { ok: false, kind: 'invalid', message: 'the registry named an invalid token realm' } };
    }
    opts.tokens.fetches++;
    let res: HttpResult;
    const base = { maxBytes: TOKEN_MAX_BYTES, maxErrorBytes: 64 * 1024, timeoutMs: req.timeoutMs, ...(req.signal !== undefined ? { signal: req.signal } : {}) };
    if (cred?.kind === 'identity-token') {
      // docker's identity tokens are OAuth2 refresh tokens: exchange them with the refresh grant.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.token, client_id: 'dockerfile-trust', scope: opts.scope });
      if (challenge.service !== '') form.set('service', challenge.service);
      res = await opts.http({ ...base, url: realm.toString(), method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    } else {
      if (challenge.service !== '') realm.searchParams.set('service', challenge.service);
      realm.searchParams.set('scope', opts.scope);
      const headers: Record<string, string> = {};
      if (cred?.kind === 'basic') headers['authorization'] = 'Basic ' + Buffer.from(`${cred.username}:${cred.secret}`).toString('base64');
      res = await opts.http({ ...base, url: realm.toString(), method: 'GET', headers });
    }
    if (!res.ok) return { failure: { ok: false, kind: res.kind, message: `token service ${safeUrl(realm)}: ${res.message}` } };
    if (res.status !== 200) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(res.body).toString('utf8'));
    } catch {
      return { failure: { ok: false, kind: 'invalid', message: `token service ${safeUrl(realm)} answered with invalid JSON` } };
    }
    const p = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
    const token = typeof p.access_token === 'string' && p.access_token !== '' ? p.access_token : typeof p.token === 'string' ? p.token : '';
    if (token === '' || /[\r\n]/.test(token)) return { failure: { ok: false, kind: 'invalid', message: `token service ${safeUrl(realm)} returned no usable token` } };
    const seconds = typeof p.expires_in === 'number' && Number.isFinite(p.expires_in) && p.expires_in > 0 ? Math.min(p.expires_in, 86_400) : DEFAULT_TOKEN_SECONDS;
    opts.tokens.set(key, token, seconds);
    return { token };
  }

  async function authorizationFor(state: AuthState, origin: string, req: HttpRequest): Promise<{ header: string } | { failure: HttpResult } | null> {
    const own = origin === opts.credentialOrigin;
    if (state.scheme === 'basic') {
      if (!own) return null;
      const cred = await getCredential();
      if (cred?.kind !== 'basic') return null;
      return { header: 'Basic ' + Buffer.from(`${cred.username}:${cred.secret}`).toString('base64') };
    }
    const t = await fetchToken(state, own, req);
    if (t === null) return null;
    if ('failure' in t) return t;
    return { header: `Bearer ${t.token}` };
  }

  function stateFrom(challenges: readonly Challenge[]): AuthState | null {
    const bearer = challenges.find((c) => c.scheme === 'bearer' && typeof c.params['realm'] === 'string' && c.params['realm'] !== '');
    if (bearer !== undefined) return { scheme: 'bearer', realm: bearer.params['realm'] ?? '', service: bearer.params['service'] ?? '' };
    if (challenges.some((c) => c.scheme === 'basic')) return { scheme: 'basic' };
    return null;
  }

  return async (req: HttpRequest): Promise<HttpResult> => {
    const origin = originOf(req.url);
    let waited = 0;
    let retries = 0;
    let challenged = false;
    for (;;) {
      const headers: Record<string, string> = { ...(req.headers ?? {}) };
      const state = states.get(origin);
      if (state !== undefined) {
        const auth = await authorizationFor(state, origin, req);
        if (auth !== null && 'failure' in auth) return auth.failure;
        if (auth !== null) headers['authorization'] = auth.header;
      }
      const res = await opts.http({ ...req, headers });
      if (!res.ok) return res;
      const rl = rateLimitOf(res.headers);
      if (rl !== null) opts.onRateLimit?.(rl);
      if (res.status === 401 && !challenged) {
        challenged = true;
        const sent = headers['authorization'];
        if (sent !== undefined && sent.startsWith('Bearer ')) opts.tokens.forget(sent.slice('Bearer '.length));
        const next = stateFrom(parseChallenges(res.headers['www-authenticate'] ?? ''));
        // The challenge belongs to the origin that actually answered (after any redirect).
        const answered = originOf(res.url);
        if (next === null || answered !== origin) return res;
        const before = states.get(origin);
        states.set(origin, next);
        if (before !== undefined && JSON.stringify(before) === JSON.stringify(next) && next.scheme === 'basic') return res;
        continue;
      }
      if (res.status === 429 && retries < maxRetries) {
        const wait = retryAfterMs(res.headers['retry-after']) ?? 1000;
        if (waited + wait > maxWait) return res;
        retries++;
        waited += wait;
        await sleep(wait, req.signal);
        if (req.signal?.aborted) return { ok: false, kind: 'aborted', message: `request to ${safeUrl(req.url)} was cancelled` };
        continue;
      }
      return res;
    }
  };
}
