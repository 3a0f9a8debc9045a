// undici dispatchers for HTTP proxies: CONNECT tunnels with TLS to the registry verified end to end (the proxy
// sees only the host and port), Proxy-Authorization sent on the CONNECT request only. Next to transport.ts, the
// other module that imports undici.
import { ProxyAgent, type Dispatcher } from 'undici';
import { routeFor, type ProxySettings } from './proxy';

export type DispatchRoute = { readonly kind: 'direct' } | { readonly kind: 'proxy'; readonly dispatcher: Dispatcher; readonly display: string } | { readonly kind: 'invalid'; readonly message: string };

export interface ProxyDispatchers {
  route(url: URL): DispatchRoute;
  close(): Promise<void>;
}

/** `caFor(url)`: the CA list (system roots plus the host's extra CA) for a host with an extra CA, else undefined. */
export function createProxyDispatchers(settings: ProxySettings, caFor: (url: URL) => readonly string[] | undefined): ProxyDispatchers {
  const agents = new Map<string, ProxyAgent>();
  return {
    route(url) {
      const r = routeFor(url, settings);
      if (r.kind !== 'proxy') return r;
      const ca = caFor(url);
      const key = JSON.stringify([r.endpoint.url, r.endpoint.authorization, url.host.toLowerCase(), ca !== undefined]);
      let agent = agents.get(key);
      if (agent === undefined) {
        agent = new ProxyAgent({
          uri: r.endpoint.url,
          ...(r.endpoint.authorization !== null ? { token: r.endpoint.authorization } : {}),
          // The registry's certificate is checked through the tunnel exactly as without a proxy.
          requestTls: { rejectUnauthorized: true, ...(ca !== undefined ? { ca: [...ca] } : {}) },
          // http.proxyStrictSSL applies to the proxy's own certificate (https:// proxies) only.
          proxyTls: { rejectUnauthorized: settings.strictSSL },
          keepAliveTimeout: 10_000,
        });
        agents.set(key, agent);
      }
      return { kind: 'proxy', dispatcher: agent, display: r.endpoint.display };
    },
    async close() {
      await Promise.all([...agents.values()].map((a) => a.close()));
    },
  };
}
