// Which HTTP proxy a request goes through: the editor's http.proxy / http.noProxy or the environment's
// HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY. Pure: no I/O, no undici (proxyAgent.ts builds the dispatchers).

export interface ProxySettings {
  /** Proxy for https:// targets (URL; `host:port` means http://host:port). */
  readonly httpsProxy: string | null;
  /** Proxy for http:// targets (only plain-http hosts listed as insecure). */
  readonly httpProxy: string | null;
  /** Hosts that are reached directly: `host`, `.domain` / `*.domain`, `host:port`, IP, CIDR, or `*`. */
  readonly noProxy: readonly string[];
  /** Verify the certificate of an https:// proxy (VS Code http.proxyStrictSSL). TLS to the registry is always verified. */
  readonly strictSSL: boolean;
  /** A Proxy-Authorization value for the proxy (VS Code http.proxyAuthorization); sent to the proxy only. */
  readonly authorization: string | null;
  /** Where the settings came from, for messages: "HTTPS_PROXY", "http.proxy". */
  readonly source: string;
}

export const NO_PROXY_SETTINGS: ProxySettings = { httpsProxy: null, httpProxy: null, noProxy: [], strictSSL: true, authorization: null, source: 'none' };

export interface ProxyEndpoint {
  /** Proxy URL without credentials (http: or https:). */
  readonly url: string;
  /** `Basic …` from the URL's user info, or the configured authorization; sent only to the proxy. */
  readonly authorization: string | null;
  /** For messages: scheme, host and port, never credentials. */
  readonly display: string;
}

export type ParsedProxy = { readonly ok: true; readonly endpoint: ProxyEndpoint } | { readonly ok: false; readonly message: string };

function env(e: Readonly<Record<string, string | undefined>>, name: string): { value: string; name: string } | null {
  // Lower case first, as curl and most tools read them.
  for (const n of [name.toLowerCase(), name.toUpperCase()]) {
    const v = e[n];
    if (v !== undefined && v.trim() !== '') return { value: v.trim(), name: n };
  }
  return null;
}

export function splitNoProxy(raw: string | readonly string[] | undefined | null): string[] {
  const parts = typeof raw === 'string' ? raw.split(/[\s,]+/) : [...(raw ?? [])];
  return parts.map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
}

/** Proxy settings from the environment (the CLI, and the editor when http.proxy is empty). */
export function proxySettingsFromEnv(e: Readonly<Record<string, string | undefined>>): ProxySettings {
  const all = env(e, 'ALL_PROXY');
  const https = env(e, 'HTTPS_PROXY') ?? all;
  const http = env(e, 'HTTP_PROXY') ?? all;
  const no = env(e, 'NO_PROXY');
  const source = [https?.name, http !== https ? http?.name : undefined].filter((x) => x !== undefined).join(', ') || 'none';
  return { httpsProxy: https?.value ?? null, httpProxy: http?.value ?? null, noProxy: splitNoProxy(no?.value), strictSSL: true, authorization: null, source };
}

/**
 * The editor's settings (VS Code `http.*`), falling back to the environment as VS Code itself does:
 * http.proxySupport "off" = no proxy; http.proxy set = that proxy for every request; else the environment.
 */
export function proxySettingsFromEditor(http: { proxy?: unknown; proxyStrictSSL?: unknown; noProxy?: unknown; proxyAuthorization?: unknown; proxySupport?: unknown }, e: Readonly<Record<string, string | undefined>>): ProxySettings {
  if (http.proxySupport === 'off') return NO_PROXY_SETTINGS;
  const strictSSL = http.proxyStrictSSL !== false;
  const authorization = typeof http.proxyAuthorization === 'string' && http.proxyAuthorization.trim() !== '' ? http.proxyAuthorization.trim() : null;
  const noProxy = Array.isArray(http.noProxy) ? splitNoProxy(http.noProxy.filter((x): x is string => typeof x === 'string')) : [];
  const fromEnv = proxySettingsFromEnv(e);
  if (typeof http.proxy === 'string' && http.proxy.trim() !== '') {
    return { httpsProxy: http.proxy.trim(), httpProxy: http.proxy.trim(), noProxy: [...noProxy, ...fromEnv.noProxy], strictSSL, authorization, source: 'http.proxy' };
  }
  return { ...fromEnv, noProxy: [...noProxy, ...fromEnv.noProxy], strictSSL, authorization };
}

/** Parses a proxy URL; credentials in it become the Proxy-Authorization value and leave the URL. */
export function parseProxy(raw: string, authorization: string | null): ParsedProxy {
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return { ok: false, message: 'the proxy setting is not a URL' };
  }
  const display = `${u.protocol}//${u.host}`;
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, message: `${u.protocol.replace(/:$/, '')} proxies are not supported (${display}); use an http:// or https:// proxy` };
  if (u.hostname === '') return { ok: false, message: 'the proxy setting has no host' };
  let auth = authorization;
  if (u.username !== '' || u.password !== '') {
    let user: string;
    let pass: string;
    try {
      user = decodeURIComponent(u.username);
      pass = decodeURIComponent(u.password);
    } catch {
      return { ok: false, message: `the credentials in the proxy URL for ${display} are not valid URL encoding` };
    }
    auth ??= `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  return { ok: true, endpoint: { url: `${u.protocol}//${u.host}`, authorization: auth, display } };
}

function ipv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (m === null) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function ipv6(s: string): bigint | null {
  const h = s.replace(/^\[|\]$/g, '');
  if (!/^[0-9a-f:.]+$/.test(h) || !h.includes(':')) return null;
  const [head, tail] = h.includes('::') ? h.split('::') : [h, undefined];
  const toGroups = (x: string | undefined): number[] | null => {
    if (x === undefined || x === '') return [];
    const out: number[] = [];
    for (const g of x.split(':')) {
      if (g.includes('.')) {
        const v4 = ipv4(g);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-f]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return null;
    }
    return out;
  };
  const a = toGroups(head);
  const b = toGroups(tail);
  if (a === null || b === null) return null;
  const fill = tail === undefined ? 0 : 8 - a.length - b.length;
  if (fill < 0 || (tail === undefined && a.length !== 8)) return null;
  const groups = [...a, ...Array<number>(fill).fill(0), ...b];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

function inCidr(host: string, entry: string): boolean {
  const slash = entry.indexOf('/');
  if (slash < 0) return false;
  const bits = Number(entry.slice(slash + 1));
  const net = entry.slice(0, slash);
  const h4 = ipv4(host);
  const n4 = ipv4(net);
  if (h4 !== null && n4 !== null && bits >= 0 && bits <= 32) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (h4 & mask) === (n4 & mask);
  }
  const h6 = ipv6(host);
  const n6 = ipv6(net);
  if (h6 !== null && n6 !== null && bits >= 0 && bits <= 128) {
    const shift = BigInt(128 - bits);
    return h6 >> shift === n6 >> shift;
  }
  return false;
}

/** Whether NO_PROXY-style `entries` say `url` is reached directly (host names are matched as written; no DNS). */
export function bypassesProxy(url: URL, entries: readonly string[]): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  for (const raw of entries) {
    if (raw === '*') return true;
    if (raw.includes('/')) {
      if (inCidr(host, raw)) return true;
      continue;
    }
    let e = raw;
    let p: string | null = null;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(e);
    if (m !== null) {
      e = m[1] as string;
      p = m[2] as string;
    }
    e = e.replace(/^\[|\]$/g, '').replace(/^\*?\./, '').replace(/\.$/, '');
    if (e === '' || (p !== null && p !== port)) continue;
    if (host === e || host.endsWith(`.${e}`)) return true;
    const h6 = ipv6(host);
    const e6 = ipv6(e);
    if (h6 !== null && e6 !== null && h6 === e6) return true;
  }
  return false;
}

export type Route = { readonly kind: 'direct' } | { readonly kind: 'proxy'; readonly endpoint: ProxyEndpoint } | { readonly kind: 'invalid'; readonly message: string };

/** The route for one request URL. A configured proxy that cannot be used fails the request rather than going around it. */
export function routeFor(url: URL, s: ProxySettings): Route {
  const raw = url.protocol === 'https:' ? s.httpsProxy : url.protocol === 'http:' ? s.httpProxy : null;
  if (raw === null || bypassesProxy(url, s.noProxy)) return { kind: 'direct' };
  const p = parseProxy(raw, s.authorization);
  if (!p.ok) return { kind: 'invalid', message: `${p.message} (from ${s.source})` };
  return { kind: 'proxy', endpoint: p.endpoint };
}

/** A readable message for undici's proxy errors (CONNECT refused, 407), or null for other errors. */
export function describeProxyError(err: unknown): string | null {
  const msg = err instanceof Error ? err.message : '';
  const m = /Proxy response \((\d{3})\)/.exec(msg) ?? /Proxy Authentication Required \((407)\)/.exec(msg);
  if (m === null) return null;
  const status = m[1];
  // 407 is the standard answer; some proxies (tinyproxy) answer a CONNECT with 401.
  return status === '407' || status === '401' ? `the proxy asked for authentication (${status}): check the proxy credentials` : `the proxy refused the connection (${status})`;
}
