// The registry side of the benchmark in the default configuration (lookups on): a real local docker-registry with the
// generated files' base images pushed to it, reached through a counting loopback reverse proxy (the host the files
// name), and a refusing loopback HTTP proxy given to our server as VS Code's http.proxy for every other host, so
// nothing leaves the machine and any attempt to go elsewhere is counted.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { startRegistry, type RegistryHandle } from '../test/support/registry';
import { IMAGES, SYNTAX_IMAGE } from './gen';

export interface LocalRegistry {
  /** host:port the generated files write their images on (the counting proxy in front of the registry). */
  readonly host: string;
  /** VS Code http.* settings for our server: the refusing proxy for everything but loopback. */
  readonly editorHttp: { readonly proxy: string; readonly noProxy: readonly string[] };
  /** workspace/configuration answer: the defaults (lookups on) with plain HTTP allowed for the local registry. */
  readonly configuration: unknown;
  /** HTTP requests the registry received so far (through the counting proxy). */
  requests(): number;
  /** Requests and CONNECTs the refusing proxy received so far (attempts to reach any other host). */
  outside(): number;
  stop(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : 0);
    });
  });
}

function close(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((r) => server.close(() => r()));
}

function tracked(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

export async function startLocalRegistry(): Promise<LocalRegistry> {
  const reg: RegistryHandle = await startRegistry();
  let requests = 0;
  let outside = 0;
  const target = new URL(reg.url);
  const front = createServer((req, res) => {
    requests++;
    const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: reg.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  const refuse = createServer((_req, res) => {
    outside++;
    res.writeHead(403).end();
  });
  refuse.on('connect', (_req, socket: Socket) => {
    outside++;
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  const frontSockets = tracked(front);
  const refuseSockets = tracked(refuse);
  try {
    const frontPort = await listen(front);
    const refusePort = await listen(refuse);
    // Every image the generated files name (base images and the syntax frontend), as a multi-platform index (what
    // Docker Hub serves for these): with the registry option, nothing in them is looked up anywhere else.
    for (const image of [...IMAGES, SYNTAX_IMAGE]) {
      const [repo, tag] = image.split(':') as [string, string];
      await reg.pushImage(repo, tag, { kind: 'oci-index', seed: image });
    }
    const host = `127.0.0.1:${frontPort}`;
    return {
      host,
      editorHttp: { proxy: `http://127.0.0.1:${refusePort}`, noProxy: ['127.0.0.1'] },
      configuration: { registries: { [host]: { insecureHttp: true } } },
      requests: () => requests,
      outside: () => outside,
      stop: async () => {
        await close(front, frontSockets);
        await close(refuse, refuseSockets);
        await reg.stop();
      },
    };
  } catch (err) {
    await close(front, frontSockets);
    await close(refuse, refuseSockets);
    await reg.stop();
    throw err;
  }
}
