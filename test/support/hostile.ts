// Test support: a loopback HTTP(S) server of the test's own that misbehaves on purpose, recording what it receives.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  /** The request body as text (first 1 MiB): credentials must never arrive here from another origin's request. */
  readonly body: string;
}

export interface HostileServer {
  readonly url: string;
  readonly host: string;
  readonly received: Received[];
  stop(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Starts a server on 127.0.0.1:0; `tls` = { key, cert } serves https. stop() also cuts open connections. */
export async function startHostile(handler: Handler, tls?: { key: string; cert: string }): Promise<HostileServer> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    res.on('error', () => undefined);
    // The body is read first (capped) and recorded, then the handler answers.
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (size < 1 << 20) chunks.push(c);
      size += c.length;
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      Promise.resolve(handler(req, res)).catch(() => res.destroy());
    });
    req.on('error', () => res.destroy());
  };
  const server = tls !== undefined ? createHttpsServer({ key: tls.key, cert: tls.cert }, onRequest) : createHttpServer(onRequest);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  return {
    url: `${tls !== undefined ? 'https' : 'http'}://${host}`,
    host,
    received,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
