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
import { machineKey, type NetworkMode, type Settings } from './protocol';
import type { Connectivity, ImageLookup, UnreachableHost } from './trust/service';
import { ProjectConfigLoader } from './config/loader';
import { withProjectConfig } from './config/projectConfig';
import { badRegistryEntries } from './config/ruleConfig';
import { fileURLToPath } from 'node:url';
import { proxySettingsFromEditor, type ProxySettings } from './registry/proxy';

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
 * Workspace Trust's Restricted Mode (the client starts the server with --restricted in an untrusted workspace):
 * syntactic analysis only. The network layer is never loaded, so nothing sends requests, runs credential helpers
 * or reads policy, CA or key files; the client restarts the server without the flag once the workspace is trusted.
 */
const restricted = process.argv.includes('--restricted');
/** VS Code's http.proxy, http.proxyStrictSSL, http.noProxy, http.proxyAuthorization, http.proxySupport (from the client). */
function editorProxy(): ProxySettings | undefined {
  const raw = process.env['DFT_EDITOR_HTTP'];
  if (raw === undefined || raw === '') return undefined;
  try {
    const { DFT_EDITOR_HTTP: _own, ...env } = process.env;
    return proxySettingsFromEditor(JSON.parse(raw) as Record<string, unknown>, env);
  } catch {
    return undefined;
  }
}
const proxy = editorProxy();
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

/**
 * Delegates to services built from the current machine settings; rebuilt only when those change (their key is
 * derived from the MachineSettings type). While a rebuild runs, answers come from the previous services — unless the
 * network mode changed: then nothing from them is shown (a person who chose to work offline sees the old failures go
 * at once), and the documents are analysed again when the new services are ready.
 */
class SwitchableLookup implements ImageLookup, Connectivity {
  private current: Composed | undefined;
  private currentMode: NetworkMode | undefined;
  private wantedMode: NetworkMode | undefined;
  private next: Promise<Composed> | undefined;
  private key = '';
  private readonly listeners: ((what: 'reachability' | 'services') => void)[] = [];
  private emit(what: 'reachability' | 'services'): void {
    for (const l of this.listeners) l(what);
  }
  configure(settings: Settings): void {
    const key = machineKey(settings.machine);
    if (key === this.key) return;
    this.key = key;
    const mode = settings.machine.network;
    this.wantedMode = mode;
    const building = net().compose({ settings: settings.machine, storageDir, env: process.env, log, onReachability: () => this.emit('reachability'), ...(proxy !== undefined ? { proxy } : {}) });
    this.next = building;
    void building.then((c) => {
      // A newer configuration may have started meanwhile: only the latest one becomes current.
      if (this.next !== building) return void c.close();
      const old = this.current;
      this.current = c;
      this.currentMode = mode;
      this.next = undefined;
      if (old !== undefined) void old.close();
      this.emit('services');
    });
  }
  private async ready(): Promise<Composed | undefined> {
    return (await this.next) ?? this.current;
  }
  /** The current services, unless they answer for another network mode than the one asked for. */
  private shown(): Composed | undefined {
    return this.currentMode === this.wantedMode ? this.current : undefined;
  }
  peek(ref: ParsedReference): ImageFacts | undefined {
    return this.shown()?.lookup.peek(ref);
  }
  fresh(ref: ParsedReference): boolean {
    return this.shown()?.lookup.fresh(ref) ?? false;
  }
  async lookup(ref: ParsedReference, signal?: AbortSignal): Promise<ImageFacts> {
    const c = await this.ready();
    return c?.lookup.lookup(ref, signal) ?? {};
  }
  refresh(): void {
    this.current?.lookup.refresh();
  }
  unreachable(): readonly UnreachableHost[] {
    return this.shown()?.reachability.down() ?? [];
  }
  retry(): void {
    this.current?.reachability.reset();
  }
  onDidChange(listener: (what: 'reachability' | 'services') => void): void {
    this.listeners.push(listener);
  }
  async checksum(url: string, signal?: AbortSignal): ReturnType<Composed['checksum']> {
    const c = await this.ready();
    if (c === undefined) return { ok: false, message: 'network services are not configured yet' };
    return c.checksum(url, signal);
  }
  gitRef(...args: Parameters<Composed['gitRef']>): ReturnType<Composed['gitRef']> {
    if (this.current === undefined) return Promise.resolve({ ok: false, message: 'network services are not configured yet' });
    return this.current.gitRef(...args);
  }
  async close(): Promise<void> {
    await (await this.ready())?.close();
  }
}

// The project config of each document (`.dockerfile-trust.yaml`, the nearest above it): read here, where I/O is
// created; problems go to the output channel once per file and the editor's own settings are used meanwhile.
// It can only change analysis settings (the type says so): trust settings stay the machine's.
const projectConfigs = new ProjectConfigLoader();
const told = new Set<string>();
function projectSettings(uri: string, settings: Settings): Settings {
  if (!uri.startsWith('file:')) return settings;
  let file: string;
  try {
    file = fileURLToPath(uri);
  } catch {
    return settings;
  }
  const found = projectConfigs.forFile(file);
  if (found.kind === 'none') return settings;
  const messages = found.ok ? [...found.config.warnings, ...badRegistryEntries(found.config.allowedRegistries).map((h) => `${found.path}: allowedRegistries: "${h}" is not a registry host and matches nothing`)] : found.errors.map((e) => `${e} (the file is not used until it is fixed)`);
  for (const m of messages) {
    if (told.has(m)) continue;
    told.add(m);
    log(`project config: ${m}`);
  }
  return found.ok ? { ...settings, analysis: withProjectConfig(settings.analysis, found.config) } : settings;
}

const lookup = new SwitchableLookup();
if (restricted) log('Restricted Mode: syntactic checks only; no registry or trust lookups, credential helpers or policy files until the workspace is trusted');
startServer(connection, {
  projectSettings,
  onProjectConfigChanged: () => {
    projectConfigs.invalidate();
    told.clear();
  },
  docsRoot: path.join(__dirname, '..', 'docs', 'rules'),
  // Tests and benchmarks set the typing pause after which a reference counts as finished.
  ...(argValue('--lookup-delay-ms') !== undefined && Number.isFinite(Number(argValue('--lookup-delay-ms'))) ? { lookupDelayMs: Math.max(0, Number(argValue('--lookup-delay-ms'))) } : {}),
  version: typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0',
  ...(restricted
    ? {}
    : {
        lookup,
        connectivity: lookup,
        onSettings: (s: Settings) => lookup.configure(s),
        checksum: (url: string, signal?: AbortSignal) => lookup.checksum(url, signal),
        gitRef: (url: string, ref: string | null, kind: 'branch' | 'tag' | 'any', signal?: AbortSignal) => lookup.gitRef(url, ref, kind, signal),
      }),
});
connection.onShutdown(() => lookup.close());
connection.listen();
