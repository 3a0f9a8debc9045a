// A minimal LSP client for the benchmark: start, open, change, wait for diagnostics, RSS. A server runs either as a
// spawned command over stdio, or forked from a launch description the way vscode-languageclient starts a Node module
// (over its IPC channel or over stdio).
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

/** A Node module launched as vscode-languageclient launches `{ module, transport, args, options }`. */
export interface ForkLaunch {
  readonly module: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly execArgv: readonly string[];
  readonly transport: 'ipc' | 'stdio';
}

export interface ServerSpec {
  readonly name: string;
  /** Spawned as `command args…` with the LSP on stdin/stdout (args include --stdio). */
  readonly command?: string;
  readonly args?: readonly string[];
  /** Or forked from a launch description (then `command`/`args` are not used). */
  readonly fork?: ForkLaunch;
  /** Answer to workspace/configuration items (null: the server is told the client has no configuration). */
  readonly configuration: unknown;
}

/**
 * What vscode-languageclient's node client does for a module with transport ipc or stdio: the transport's argument
 * and the client's process id appended to the arguments, the client's environment with the Electron switches under
 * the given one, the given execArgv, a silent fork (stdout/stderr piped; the IPC channel always exists), and the
 * messages over the IPC channel (process.send) or over the child's stdin/stdout.
 */
function forkLikeLanguageClient(l: ForkLaunch): { child: ChildProcess; conn: ProtocolConnection } {
  const args = [...l.args, l.transport === 'ipc' ? '--node-ipc' : '--stdio', `--clientProcessId=${process.pid}`];
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1', ...l.env };
  const child = fork(l.module, args, { env, execArgv: [...l.execArgv], silent: true });
  child.stderr?.resume();
  if (l.transport === 'ipc') {
    child.stdout?.resume();
    return { child, conn: createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child)) };
  }
  return { child, conn: createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)) };
}

/** One publishDiagnostics as received: document, version (null when the server does not tag it), arrival time. */
export interface Published {
  readonly uri: string;
  readonly version: number | null;
  readonly at: number;
}

interface Waiter {
  readonly uri: string;
  /** Our server tags diagnostics with the document version; the anchor does not (then any next one counts). */
  readonly version: number | null;
  readonly resolve: (p: PublishDiagnosticsParams) => void;
}

export class LspClient {
  private waiters: Waiter[] = [];
  /** Every publishDiagnostics received, in order. */
  readonly published: Published[] = [];
  private constructor(
    readonly spec: ServerSpec,
    private readonly child: ChildProcess,
    private readonly conn: ProtocolConnection,
    /** spawn → initialize result, ms. */
    readonly startMs: number,
  ) {}

  static async start(spec: ServerSpec): Promise<LspClient> {
    const t0 = performance.now();
    let child: ChildProcess;
    let conn: ProtocolConnection;
    if (spec.fork !== undefined) ({ child, conn } = forkLikeLanguageClient(spec.fork));
    else {
      if (spec.command === undefined) throw new Error(`${spec.name}: no command and no launch description`);
      child = spawn(spec.command, [...(spec.args ?? [])], { stdio: ['pipe', 'pipe', 'pipe'] });
      child.stderr?.resume();
      conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    }
    const holder: { client?: LspClient } = {};
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => holder.client?.onDiagnostics(p));
    conn.onRequest('workspace/configuration', (params: { items?: unknown[] }) => (params.items ?? []).map(() => spec.configuration));
    for (const m of ['client/registerCapability', 'client/unregisterCapability', 'window/workDoneProgress/create', 'workspace/diagnostic/refresh', 'workspace/codeLens/refresh', 'workspace/semanticTokens/refresh']) {
      conn.onRequest(m, () => null);
    }
    for (const m of ['window/logMessage', 'window/showMessage', '$/progress', 'telemetry/event', '$/logTrace', 'dockerfileTrust/status']) {
      conn.onNotification(m, () => undefined);
    }
    conn.listen();
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${spec.name} exited with ${code} during start`))));
    await Promise.race([
      conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri: null,
        capabilities: {
          workspace: { configuration: spec.configuration !== null },
          textDocument: { publishDiagnostics: { versionSupport: true }, synchronization: { didSave: false } },
        },
      }),
      exited,
    ]);
    const startMs = performance.now() - t0;
    await conn.sendNotification('initialized', {});
    const client = new LspClient(spec, child, conn, startMs);
    holder.client = client;
    return client;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private onDiagnostics(p: PublishDiagnosticsParams): void {
    this.published.push({ uri: p.uri, version: p.version ?? null, at: performance.now() });
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      if (w.uri === p.uri && (w.version === null || p.version === undefined || p.version === w.version)) w.resolve(p);
      else keep.push(w);
    }
    this.waiters = keep;
  }

  private waitFor(uri: string, version: number | null, timeoutMs: number): Promise<PublishDiagnosticsParams | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      const waiter: Waiter = {
        uri,
        version,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** didOpen → first diagnostics, ms (null on timeout). */
  async open(uri: string, text: string, timeoutMs = 60000): Promise<{ ms: number | null; count: number }> {
    const t0 = performance.now();
    const wait = this.waitFor(uri, 1, timeoutMs);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
    const p = await wait;
    return { ms: p === null ? null : performance.now() - t0, count: p?.diagnostics.length ?? 0 };
  }

  /** didChange → the diagnostics for that version, ms (null on timeout). */
  async change(uri: string, version: number, changes: readonly unknown[], timeoutMs = 60000): Promise<number | null> {
    const t0 = performance.now();
    const wait = this.waitFor(uri, version, timeoutMs);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    const p = await wait;
    return p === null ? null : performance.now() - t0;
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Resident set size of the server process, MB (from /proc). */
  rssMb(): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m === null ? NaN : Number(m[1]) / 1024;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // The process may already be gone; the kill below covers it.
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    this.conn.dispose();
  }
}
