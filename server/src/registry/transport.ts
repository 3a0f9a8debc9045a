// The HttpClient implementation over undici: deadlines, byte caps, hand-followed redirects, verified TLS.
// This is the only module that imports undici.
import { rootCertificates } from 'node:tls';
import { Agent, request, type Dispatcher } from 'undici';
import type { HttpClient, HttpFailureKind, HttpRequest, HttpResult } from './http';
import { safeUrl } from './url';
import { describeProxyError, NO_PROXY_SETTINGS, type ProxySettings } from './proxy';
import { createProxyDispatchers } from './proxyAgent';

export interface TransportOptions {
  /** Hosts (`host` or `host:port`, as in image references) that may be contacted over plain http. */
  readonly insecureHosts?: readonly string[];
  /**
   * Plain http to any host: only for a transport that never carries credentials and fetches signed data whose
   * signature is checked (OCSP responses and CRLs, which the certificates name as http URLs).
   */
  readonly allowPlainHttp?: boolean;
  /** Extra CA certificates (PEM) per host (`host` or `host:port`), added to the system roots, never replacing verification. */
  readonly extraCaCerts?: Readonly<Record<string, string>>;
  /** At most this many redirects per request (default 5). */
  readonly maxRedirects?: number;
  readonly userAgent?: string;
  /** HTTP proxy for requests (registry/proxy.ts); default: none. */
  readonly proxy?: ProxySettings;
}

export interface Transport {
  readonly http: HttpClient;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Headers that carry credentials: dropped whenever a redirect leaves the origin.
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'UND_ERR_PRX_TLS',
]);

function fail(kind: HttpFailureKind, message: string): HttpResult {
  return { ok: false, kind, message };
}

class Deadline extends Error {}

/** Stops reading a body; the error that destroying emits must not become an uncaught exception. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function errorCode(err: unknown): string {
  let e: unknown = err;
  for (let i = 0; i < 4 && e !== null && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return '';
}

function mapError(err: unknown, target: string, timedOut: boolean, callerAborted: boolean, timeoutMs: number): HttpResult {
  if (timedOut) return fail('timeout', `${target} did not answer completely within ${timeoutMs} ms`);
  if (callerAborted) return fail('aborted', `request to ${target} was cancelled`);
  const proxyProblem = describeProxyError(err);
  if (proxyProblem !== null) return fail('unreachable', `cannot reach ${target}: ${proxyProblem}`);
  const code = errorCode(err);
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return fail('tls', `TLS verification failed for ${target} (${code}); add the registry's CA certificate in the settings if it uses a private CA`);
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return fail('timeout', `${target} did not answer within ${timeoutMs} ms`);
  }
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'host name lookup failed',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_SOCKET: 'connection closed',
    UND_ERR_CLOSED: 'connection closed',
  };
  const why = known[code] ?? (code !== '' ? code : 'connection failed');
  return fail('unreachable', `cannot reach ${target}: ${why}`);
}

function normalizeHostList(hosts: readonly string[] | undefined): Set<string> {
  return new Set((hosts ?? []).map((h) => h.toLowerCase()));
}

function matchesHost(set: ReadonlySet<string>, url: URL): boolean {
  return set.has(url.host.toLowerCase()) || set.has(url.hostname.toLowerCase());
}

/** Creates the HttpClient. TLS is always verified; plain http only for listed insecure hosts. */
export function createTransport(options: TransportOptions = {}): Transport {
  const insecure = normalizeHostList(options.insecureHosts);
  const maxRedirects = options.maxRedirects ?? 5;
  const userAgent = options.userAgent ?? 'dockerfile-trust';
  // Connection pooling matters: a lookup is 1-3 requests to the same host.
  const defaultAgent = new Agent({ connect: { rejectUnauthorized: true }, keepAliveTimeout: 10_000 });
  const caAgents = new Map<string, Agent>();
  for (const [host, pem] of Object.entries(options.extraCaCerts ?? {})) {
    caAgents.set(host.toLowerCase(), new Agent({ connect: { rejectUnauthorized: true, ca: [...rootCertificates, pem] }, keepAliveTimeout: 10_000 }));
  }
  const agentFor = (url: URL): Dispatcher => caAgents.get(url.host.toLowerCase()) ?? caAgents.get(url.hostname.toLowerCase()) ?? defaultAgent;
  const extraCa = (url: URL): string | undefined => options.extraCaCerts?.[url.host.toLowerCase()] ?? options.extraCaCerts?.[url.hostname.toLowerCase()];
  const proxies = createProxyDispatchers(options.proxy ?? NO_PROXY_SETTINGS, (url) => {
    const pem = extraCa(url);
    return pem !== undefined ? [...rootCertificates, pem] : undefined;
  });

  const http: HttpClient = async (req: HttpRequest): Promise<HttpResult> => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return fail('invalid', 'invalid URL');
    }
    if (url.username !== '' || url.password !== '') return fail('invalid', `refusing a URL with embedded credentials (${safeUrl(url)})`);
    if (req.signal?.aborted) return fail('aborted', `request to ${safeUrl(url)} was cancelled`);

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Deadline('deadline'));
    }, Math.max(1, req.timeoutMs));
    const onCallerAbort = (): void => controller.abort(req.signal?.reason);
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });

    let method = req.method ?? 'GET';
    let body = req.body;
    const headers: Record<string, string> = { 'user-agent': userAgent };
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;

    try {
      for (let hop = 0; ; hop++) {
        const target = safeUrl(url);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail('invalid', `unsupported URL scheme in ${target}`);
        if (url.protocol === 'http:' && options.allowPlainHttp !== true && !matchesHost(insecure, url)) {
          return fail('insecure-refused', `refusing plain http to ${url.host}: list it as an insecure registry to allow it`);
        }
        const route = proxies.route(url);
        if (route.kind === 'invalid') return fail('invalid', `cannot reach ${target}: ${route.message}`);
        let res: Dispatcher.ResponseData;
        try {
          res = await request(url, {
            dispatcher: route.kind === 'proxy' ? route.dispatcher : agentFor(url),
            method,
            headers,
            ...(body !== undefined && method === 'POST' ? { body } : {}),
            signal: controller.signal,
            headersTimeout: req.timeoutMs,
            bodyTimeout: req.timeoutMs,
          });
        } catch (err) {
          return mapError(err, target, timedOut, req.signal?.aborted === true, req.timeoutMs);
        }

        const resHeaders: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue;
          resHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        }

        if (REDIRECTS.has(res.statusCode) && resHeaders['location'] !== undefined) {
          discard(res.body);
          if (hop >= maxRedirects) return fail('redirect-refused', `too many redirects (more than ${maxRedirects}) starting at ${safeUrl(req.url)}`);
          let next: URL;
          try {
            next = new URL(resHeaders['location'], url);
          } catch {
            return fail('invalid', `${target} redirected to an invalid location`);
          }
          if (next.username !== '' || next.password !== '') return fail('redirect-refused', `${target} redirected to a URL with embedded credentials`);
          if (url.protocol === 'https:' && next.protocol !== 'https:') {
            return fail('redirect-refused', `refusing the redirect from ${target} to plain ${safeUrl(next)} (https → http)`);
          }
          // 303 (and 301/302 after a POST) turn the request into a GET without its body, as browsers and curl do.
          const dropsBody = res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST');
          if (next.origin !== url.origin) {
            // A body is only sent with POSTs, and ours carry credentials (the refresh-token grant): a 307/308 would
            // replay it to the other origin. It cannot be taken out of the request like a header, so the redirect is refused.
            if (body !== undefined && !dropsBody) {
              return fail('redirect-refused', `refusing the redirect from ${target} to ${safeUrl(next)}: the request carries credentials in its body, and they are never sent to another origin`);
            }
            // Credentials belong to the origin they were given for.
            for (const h of Object.keys(headers)) if (CREDENTIAL_HEADERS.has(h)) delete headers[h];
          }
          if (dropsBody) {
            method = method === 'HEAD' ? 'HEAD' : 'GET';
            body = undefined;
            delete headers['content-type'];
          }
          url = next;
          continue;
        }

        const isError = res.statusCode >= 400;
        const cap = isError ? Math.min(req.maxErrorBytes ?? req.maxBytes, req.maxBytes) : req.maxBytes;
        const declared = Number(resHeaders['content-length']);
        if (!isError && method !== 'HEAD' && Number.isFinite(declared) && declared > req.maxBytes) {
          discard(res.body);
          return fail('too-large', `${target} answered with ${declared} bytes, more than the ${req.maxBytes}-byte limit`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        try {
          for await (const chunk of res.body) {
            const buf = chunk as Buffer;
            if (size + buf.length > cap && isError) {
              // An error answer only needs its first bytes (status and error code); stop reading there.
              chunks.push(buf.subarray(0, cap - size));
              size = cap;
              discard(res.body);
              break;
            }
            size += buf.length;
            if (size > cap) {
              discard(res.body);
              return fail('too-large', `${target} sent more than the ${req.maxBytes}-byte limit`);
            }
            chunks.push(buf);
          }
        } catch (err) {
          return mapError(err, target, timedOut, req.signal?.aborted === true, req.timeoutMs);
        }
        if (timedOut) return fail('timeout', `${target} did not answer completely within ${req.timeoutMs} ms`);
        return { ok: true, status: res.statusCode, headers: resHeaders, body: new Uint8Array(Buffer.concat(chunks, size)), url: url.toString() };
      }
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
    }
  };

  return {
    http,
    async close() {
      await Promise.all([defaultAgent.close(), proxies.close(), ...[...caAgents.values()].map((a) => a.close())]);
    },
  };
}
