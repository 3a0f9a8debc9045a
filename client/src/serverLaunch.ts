// How the extension launches the language server: module, arguments, environment, transport. No VS Code import, so
// the benchmark (bench/lsp.ts) launches the server from this same description and cannot drift from the extension.
import * as path from 'node:path';

/** How the client talks to the server; vscode-languageclient adds `--node-ipc` or `--stdio` to the arguments. */
export type LaunchTransport = 'ipc' | 'stdio';

/**
 * The transport the extension ships with. Chosen by `npm run bench`, which measures the server over both, launched
 * from this description (docs/benchmarks.md, "Transport").
 */
export const SERVER_TRANSPORT: LaunchTransport = 'ipc';

/**
 * V8 options of the server process. A keystroke's garbage is short-lived, so V8's young generation, left to grow to
 * its default ceiling (16 MB per semi-space), mostly holds garbage: capped at 1 MB the server's resident memory after
 * typing on a 5,000-line file drops by about a quarter (about 129 → 96 MB, below the anchor's ~105 MB) at no
 * measurable cost on 300 lines and ~0.3 ms at p50 on 5,000 (`npm run bench`, "Start-up, memory and transport").
 */
export const SERVER_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=1'];

/** VS Code's `http.*` settings the server honours for its own requests (proxy, strict TLS, no-proxy list). */
export interface EditorHttpSettings {
  readonly proxy?: unknown;
  readonly proxyStrictSSL?: unknown;
  readonly noProxy?: unknown;
  readonly proxyAuthorization?: unknown;
  readonly proxySupport?: unknown;
}

export interface LaunchInput {
  /** The extension's folder (the bundle is dist/server.js in it). */
  readonly extensionPath: string;
  /** The folder for caches and Notary roots (the extension's global storage). */
  readonly storage: string;
  /** Workspace trust: an untrusted workspace gets syntactic checks only (--restricted). */
  readonly trusted: boolean;
  readonly http: EditorHttpSettings;
  /** The environment the server inherits (the extension host's). */
  readonly env: NodeJS.ProcessEnv;
}

export interface ServerLaunch {
  readonly module: string;
  /** Arguments before the ones the language client adds (transport, client process id). */
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
  readonly transport: LaunchTransport;
  /** Node options of the process when it runs normally (none) and when the extension is debugged. */
  readonly execArgv: string[];
  readonly debugExecArgv: string[];
}

/** The launch description, re-read on every (re)start: trust and proxy settings reach the server only here. */
export function serverLaunch(input: LaunchInput): ServerLaunch {
  const http = input.http;
  const value = { proxy: http.proxy, proxyStrictSSL: http.proxyStrictSSL, noProxy: http.noProxy, proxyAuthorization: http.proxyAuthorization, proxySupport: http.proxySupport };
  return {
    module: path.join(input.extensionPath, 'dist', 'server.js'),
    args: ['--storage', input.storage, ...(input.trusted ? [] : ['--restricted'])],
    env: { ...input.env, DFT_EDITOR_HTTP: JSON.stringify(value) },
    transport: SERVER_TRANSPORT,
    execArgv: [...SERVER_EXEC_ARGV],
    debugExecArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'],
  };
}
