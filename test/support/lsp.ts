// Drives the bundled language server (dist/server.js --stdio) over stdio for tests and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidSaveTextDocumentNotification,
  PublishDiagnosticsNotification,
  ConfigurationRequest,
  ApplyWorkspaceEditRequest,
  WorkDoneProgressCreateRequest,
  type WorkspaceEdit,
  ShutdownRequest,
  ExitNotification,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type InitializeResult,
} from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from './paths';

export interface LspClient {
  readonly connection: ProtocolConnection;
  readonly child: ChildProcess;
  readonly initialize: InitializeResult;
  /** Edits the server asked the client to apply (workspace/applyEdit), in order. */
  readonly applied: WorkspaceEdit[];
  /** Every other notification the server sent (window/logMessage, dockerfileTrust/status, …), in order. */
  readonly notifications: { readonly method: string; readonly params: unknown }[];
  /** Resolves with the first diagnostics for `uri` (already received or next) that satisfy `pred`. */
  until(uri: string, pred: (p: PublishDiagnosticsParams) => boolean, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  /** Resolves with the next diagnostics for `uri` whose version is at least `version` (if given). */
  diagnostics(uri: string, version?: number, timeoutMs?: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, version: number, changes: { range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[]): void;
  save(uri: string): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly command?: string;
  readonly args?: readonly string[];
  /** Answers workspace/configuration (the dockerfileTrust section). */
  readonly settings?: unknown;
  readonly env?: NodeJS.ProcessEnv;
  /** Extra workspace client capabilities (e.g. workspaceEdit.changeAnnotationSupport). */
  readonly workspaceCapabilities?: Record<string, unknown>;
  /** Extra textDocument client capabilities (e.g. codeAction.disabledSupport). */
  readonly textDocumentCapabilities?: Record<string, unknown>;
  readonly initializationOptions?: unknown;
  /** Extra server arguments after the default ones (e.g. --lookup-delay-ms). */
  readonly extraArgs?: readonly string[];
}

export async function startLsp(opts: StartOptions = {}): Promise<LspClient> {
  // Each server gets its own storage folder: no test reads or writes the user's cache.
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-lsp-'));
  const child = spawn(opts.command ?? process.execPath, opts.args ? [...opts.args] : [path.join(REPO_ROOT, 'dist', 'server.js'), '--stdio', '--storage', storage, ...(opts.extraArgs ?? [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  if (child.stdout === null || child.stdin === null) throw new Error('no stdio');
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const latest = new Map<string, PublishDiagnosticsParams>();
  const waiters: { uri: string; version: number | undefined; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  const watchers: ((p: PublishDiagnosticsParams) => void)[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    latest.set(p.uri, p);
    for (const w of [...watchers]) w(p);
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i];
      if (w !== undefined && w.uri === p.uri && (w.version === undefined || (p.version ?? -1) >= w.version)) {
        waiters.splice(i, 1);
        w.resolve(p);
      }
    }
  });
  const notifications: { method: string; params: unknown }[] = [];
  // The star handler (every method without a handler of its own) is on the underlying message connection.
  (connection as unknown as { onNotification(h: (method: string, params: unknown) => void): void }).onNotification((method, params) => void notifications.push({ method, params }));
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => opts.settings ?? {}));
  const applied: WorkspaceEdit[] = [];
  connection.onRequest(ApplyWorkspaceEditRequest.type, (params) => {
    applied.push(params.edit);
    return { applied: true };
  });
  connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
  connection.listen();
  const initialize = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { workspace: { configuration: opts.settings !== undefined, applyEdit: true, ...opts.workspaceCapabilities }, window: { workDoneProgress: true }, textDocument: { publishDiagnostics: { versionSupport: true }, ...opts.textDocumentCapabilities } },
    ...(opts.initializationOptions !== undefined ? { initializationOptions: opts.initializationOptions } : {}),
    workspaceFolders: null,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    child,
    initialize,
    applied,
    notifications,
    until(uri, pred, timeoutMs = 20000) {
      const now = latest.get(uri);
      if (now !== undefined && pred(now)) return Promise.resolve(now);
      return new Promise((resolve, reject) => {
        const watch = (p: PublishDiagnosticsParams): void => {
          if (p.uri !== uri || !pred(p)) return;
          clearTimeout(timer);
          watchers.splice(watchers.indexOf(watch), 1);
          resolve(p);
        };
        const timer = setTimeout(() => {
          watchers.splice(watchers.indexOf(watch), 1);
          reject(new Error(`diagnostics for ${uri} never matched within ${timeoutMs} ms; last: ${JSON.stringify(latest.get(uri)?.diagnostics.map((d) => [d.code, d.message]))}; server stderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        watchers.push(watch);
      });
    },
    diagnostics(uri, version, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version ?? '?'} within ${timeoutMs} ms; server stderr: ${stderr.slice(-2000)}`)), timeoutMs);
        waiters.push({
          uri,
          version,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
        });
      });
    },
    open(uri, text, version = 1) {
      void connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'dockerfile', version, text } });
    },
    change(uri, version, changes) {
      void connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text })),
      });
    },
    save(uri) {
      void connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
    },
    async stop() {
      try {
        await Promise.race([connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
        await connection.sendNotification(ExitNotification.type);
      } catch {
        // the process may already be gone
      }
      connection.dispose();
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 2000);
          child.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
        });
      }
    },
  };
}
