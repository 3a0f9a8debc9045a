// Composition root of the language server: creates the connection and the I/O-backed services.
import { createConnection, ProposedFeatures, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { format } from 'node:util';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer } from './lsp/server';
import { diagnosticsEncoder } from './lsp/wire';
import type { Composed } from './compose';
import type { ImageFacts } from './core/facts';
import type { ParsedReference } from './core/imageRef';
import type { Settings } from './protocol';
import type { ImageLookup } from './trust/service';

// The network layer (undici, TUF, Sigstore) is a separate bundle (dist/compose.js) loaded on the first
// settings, after `initialize` has been answered: start-up only pays for what first diagnostics need.
let composeModule: typeof import('./compose') | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const net = (): typeof import('./compose') => (composeModule ??= require('./compose') as typeof import('./compose'));

declare const __VERSION__: string | undefined;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const storageDir = argValue('--storage') ?? path.join(process.env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache'), 'dockerfile-trust');
/**
 * Over stdio our writer assembles publishDiagnostics from the JSON of diagnostics it already sent
 * (lsp/wire.ts). The library patches console only for the stdio it sets up itself, so it is done here:
 * a stray console.log from any dependency would otherwise corrupt the message stream on stdout.
 */
function stdioConnection(): Connection {
  // The stream form (not a MessageReader) keeps the library's own exit-on-stdin-close handling; the
  // typings offer stream+stream or reader+writer only, while the runtime takes each side on its own.
  const c = createConnection(ProposedFeatures.all, process.stdin as never, new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: diagnosticsEncoder }));
  const to = (send: (m: string) => void) => (...args: unknown[]): void => send(format(...args));
  console.log = to((m) => c.console.log(m));
  console.info = to((m) => c.console.info(m));
  console.debug = to((m) => c.console.log(m));
  console.warn = to((m) => c.console.warn(m));
  console.error = to((m) => c.console.error(m));
  console.trace = to((m) => c.console.log(m));
  return c;
}
const connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
const log = (m: string): void => connection.console.log(m);

/** Delegates to services built from the current machine-level settings; rebuilt only when those change. */
class SwitchableLookup implements ImageLookup {
  private current: Composed | undefined;
  private key = '';
  configure(settings: Settings): void {
    const key = net().serviceKey(settings);
    if (key === this.key && this.current !== undefined) return;
    const old = this.current;
    this.key = key;
    this.current = net().compose({ settings, storageDir, env: process.env, log });
    if (old !== undefined) void old.close();
  }
  peek(ref: ParsedReference): ImageFacts | undefined {
    return this.current?.lookup.peek(ref);
  }
  lookup(ref: ParsedReference, signal?: AbortSignal): Promise<ImageFacts> {
    return this.current?.lookup.lookup(ref, signal) ?? Promise.resolve({});
  }
  refresh(): void {
    this.current?.lookup.refresh();
  }
  checksum(url: string, signal?: AbortSignal): ReturnType<Composed['checksum']> {
    if (this.current === undefined) return Promise.resolve({ ok: false, message: 'network services are not configured yet' });
    return this.current.checksum(url, signal);
  }
  gitRef(...args: Parameters<Composed['gitRef']>): ReturnType<Composed['gitRef']> {
    if (this.current === undefined) return Promise.resolve({ ok: false, message: 'network services are not configured yet' });
    return this.current.gitRef(...args);
  }
  async close(): Promise<void> {
    await this.current?.close();
  }
}

const lookup = new SwitchableLookup();
startServer(connection, {
  docsRoot: path.join(__dirname, '..', 'docs', 'rules'),
  version: typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0',
  lookup,
  onSettings: (s) => lookup.configure(s),
  checksum: (url, signal) => lookup.checksum(url, signal),
  gitRef: (url, ref, kind, signal) => lookup.gitRef(url, ref, kind, signal),
});
connection.onShutdown(() => lookup.close());
connection.listen();
