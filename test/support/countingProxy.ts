// Test support: a loopback reverse proxy in front of a local registry that counts every HTTP request it forwards.
// Image references name the proxy's host:port, so whatever a client sends to "the registry" is seen here.
import * as http from 'node:http';
import type { RegistryHandle } from './registry';

export interface CountingProxy {
  /** host:port as image references write it. */
  readonly host: string;
  /** "METHOD /path" of every request, in arrival order. */
  requests(): readonly string[];
  /** Counts per "METHOD kind" (manifest, blob, /v2/, other). */
  kinds(): Record<string, number>;
  reset(): void;
  stop(): Promise<void>;
}

export async function startCountingProxy(target: RegistryHandle): Promise<CountingProxy> {
  let seen: string[] = [];
  const upstream = new URL(target.url);
  const server = http.createServer((req, res) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    requests: () => [...seen],
    kinds: () => {
      const kinds: Record<string, number> = {};
      for (const s of seen) {
        const [method, url = ''] = s.split(' ');
        const kind = `${method ?? ''} ${/\/manifests\//.test(url) ? 'manifest' : /\/blobs\//.test(url) ? 'blob' : url === '/v2/' ? '/v2/' : 'other'}`;
        kinds[kind] = (kinds[kind] ?? 0) + 1;
      }
      return kinds;
    },
    reset: () => {
      seen = [];
    },
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
