// Test support: Docker Hub on loopback. An HTTP proxy (the server under test gets it as HTTPS_PROXY) that opens the
// tunnel to registry-1.docker.io itself, answers TLS with a throwaway certificate for that name (the server trusts
// it through the registries.docker.io.caFile setting) and forwards each request to a real local docker-registry,
// recording what was asked. Every other host is refused, as on a machine with no other network; `offline` refuses
// registry-1.docker.io too (a plane). Nothing reaches the internet.
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { makeCert, startRegistry, type RegistryHandle } from './registry';

export const HUB_HOST = 'registry-1.docker.io';

export interface HubRequest {
  readonly method: string;
  /** host[:port] of the CONNECT, or the request's host inside the tunnel. */
  readonly host: string;
  /** Path and query inside the tunnel; '' for a CONNECT. */
  readonly path: string;
  /** False when the proxy refused it. */
  readonly served: boolean;
  readonly at: number;
}

export interface FakeHub {
  /** http://127.0.0.1:port, for HTTPS_PROXY. */
  readonly proxyUrl: string;
  /** PEM file the server must trust for docker.io (dockerfileTrust.registries["docker.io"].caFile). */
  readonly caFile: string;
  /** The real registry behind it: push `library/<name>` to serve `<name>` from "Docker Hub". */
  readonly registry: RegistryHandle;
  /** Everything asked, in order: CONNECTs (path '') and the requests inside the tunnel. */
  readonly requests: HubRequest[];
  /** Refuse registry-1.docker.io too. */
  offline: boolean;
  /**
   * The distinct `<repository>:<tag>` manifests asked for since `since` (epoch ms): one per image lookup. Fetches by
   * digest (the index of an image already looked up, to list its platforms) are part of that lookup, not another.
   */
  manifestsAsked(since?: number): string[];
  stop(): Promise<void>;
}

const MANIFEST = /^\/v2\/(.+)\/manifests\/([^/?]+)/;

export async function startFakeHub(): Promise<FakeHub> {
  const registry = await startRegistry();
  const dir = mkdtempSync(join(tmpdir(), 'dft-hub-'));
  const cert = await makeCert(dir, 'hub', `/CN=${HUB_HOST}`, `DNS:${HUB_HOST}`);
  const requests: HubRequest[] = [];
  const sockets = new Set<Socket>();

  // Requests inside the tunnel go to the real registry, as they are.
  const inner = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', host: HUB_HOST, path: req.url ?? '', served: true, at: Date.now() });
    const up = httpRequest(`${registry.url}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: registry.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });

  const hub: FakeHub = {
    proxyUrl: '',
    caFile: cert.certPath,
    registry,
    requests,
    offline: false,
    manifestsAsked(since = 0) {
      const out = new Set<string>();
      for (const r of requests) {
        const m = r.at >= since && r.path !== '' ? MANIFEST.exec(r.path) : null;
        const reference = decodeURIComponent(m?.[2] ?? '');
        if (m !== null && !reference.includes(':')) out.add(`${m[1]}:${reference}`);
      }
      return [...out];
    },
    stop: async () => undefined,
  };

  const proxy: Server = createHttpServer((req, res) => {
    // Plain http through the proxy: nothing is reachable that way.
    requests.push({ method: req.method ?? '', host: req.headers.host ?? '', path: req.url ?? '', served: false, at: Date.now() });
    res.writeHead(502).end();
  });
  proxy.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  proxy.on('connect', (req: IncomingMessage, socket: Socket) => {
    const target = req.url ?? '';
    const serve = target === `${HUB_HOST}:443` && !hub.offline;
    requests.push({ method: 'CONNECT', host: target, path: '', served: serve, at: Date.now() });
    socket.on('error', () => undefined);
    if (!serve) {
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const tls = new TLSSocket(socket, { isServer: true, key: cert.key, cert: cert.cert });
    tls.on('error', () => undefined);
    inner.emit('connection', tls);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const addr = proxy.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return Object.assign(hub, {
    proxyUrl: `http://127.0.0.1:${port}`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => proxy.close(() => r()));
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
