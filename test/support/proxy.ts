// Test support: a real HTTP proxy (Debian's tinyproxy) on 127.0.0.1, optionally with Basic authentication,
// and what it logged: which CONNECT tunnels and plain requests went through it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './registry';

export const TINYPROXY = '/usr/sbin/tinyproxy';

export interface ProxyHandle {
  /** http://127.0.0.1:port (no credentials). */
  readonly url: string;
  readonly port: number;
  /** Targets (host:port for CONNECT, the URL for plain requests) in the order the proxy saw them. */
  requests(): string[];
  /** CONNECT targets only. */
  tunnels(): string[];
  stop(): Promise<void>;
}

export async function startProxy(opts: { user?: string; password?: string } = {}): Promise<ProxyHandle> {
  const bin = [TINYPROXY, '/usr/bin/tinyproxy'].find((b) => existsSync(b));
  if (bin === undefined) throw new Error('tinyproxy is missing: apt-get install -y tinyproxy (scripts/setup.sh installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'dft-proxy-'));
  const port = await freePort();
  const log = join(dir, 'tinyproxy.log');
  const conf = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    'LogLevel Connect',
    `LogFile "${log}"`,
    'MaxClients 50',
    'Allow 127.0.0.1',
    'DisableViaHeader Yes',
    ...(opts.user !== undefined ? [`BasicAuth ${opts.user} ${opts.password ?? ''}`] : []),
  ];
  writeFileSync(join(dir, 'tinyproxy.conf'), conf.join('\n') + '\n');
  const child: ChildProcess = spawn(bin, ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited (${child.exitCode}): ${out}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`tinyproxy did not listen on ${port}: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const requests = (): string[] => {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    return [...text.matchAll(/Request \(file descriptor \d+\): ([A-Z]+) (\S+) HTTP/g)].map((m) => `${m[1]} ${m[2]}`);
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    tunnels: () => requests().filter((r) => r.startsWith('CONNECT ')).map((r) => r.slice('CONNECT '.length)),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
