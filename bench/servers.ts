// The servers the benchmark drives: ours launched from the extension's own launch description (client/src/serverLaunch.ts)
// over IPC and over stdio, the anchor, and two floors that do no analysis.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVER_TRANSPORT, serverLaunch, type LaunchTransport } from '../client/src/serverLaunch';
import type { LocalRegistry } from './localRegistry';
import type { ServerSpec } from './lsp';

export const ROOT = path.resolve(__dirname, '..');
export const OUR_BUNDLE = path.join(ROOT, 'dist', 'server.js');
export const ANCHOR_BIN = path.join(ROOT, 'node_modules', 'dockerfile-language-server-nodejs', 'bin', 'docker-langserver');
export const SHIPPED: LaunchTransport = SERVER_TRANSPORT;
export const OTHER: LaunchTransport = SERVER_TRANSPORT === 'ipc' ? 'stdio' : 'ipc';

const storages: string[] = [];

/** Our server as the extension launches it (trusted workspace, the registry's http.* settings), over `transport`. */
export function ours(transport: LaunchTransport, reg: LocalRegistry): ServerSpec {
  // Every process gets its own storage: nothing cached on disk by an earlier server answers for this one.
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-bench-'));
  storages.push(storage);
  const l = serverLaunch({ extensionPath: ROOT, storage, trusted: true, http: reg.editorHttp, env: process.env });
  return { name: `ours (${transport})`, fork: { module: l.module, args: l.args, env: l.env, execArgv: l.execArgv, transport }, configuration: reg.configuration };
}

export function removeStorages(): void {
  for (const s of storages) fs.rmSync(s, { recursive: true, force: true });
}

/** The anchor over stdio, with no configuration support: it validates synchronously on every change (its fastest path). */
export const ANCHOR: ServerSpec = { name: 'dockerfile-language-server-nodejs', command: process.execPath, args: [ANCHOR_BIN, '--stdio'], configuration: null };
// Floors, driven exactly like the servers: what a server that does no analysis at all costs.
export const FLOOR_RAW: ServerSpec = { name: 'floor: no library', command: process.execPath, args: [path.join(__dirname, 'floor', 'raw.cjs'), '--stdio'], configuration: null };
export const FLOOR_LIB: ServerSpec = { name: 'floor: vscode-languageserver (stdio)', command: process.execPath, args: [path.join(__dirname, 'floor', 'lib.cjs'), '--stdio'], configuration: null };
/** The library floor over IPC, forked as the language client forks ours. */
export const FLOOR_LIB_IPC: ServerSpec = {
  name: 'floor: vscode-languageserver (ipc)',
  fork: { module: path.join(__dirname, 'floor', 'lib.cjs'), args: [], env: {}, execArgv: [], transport: 'ipc' },
  configuration: null,
};
