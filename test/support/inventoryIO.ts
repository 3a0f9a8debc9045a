// The inventory loader's I/O over a folder on disk and a language server connection: what the extension does through
// VS Code's file search and file system, for tests and the benchmark. Counts what was asked and analysed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { ProtocolConnection } from 'vscode-languageserver-protocol/node';
import type { InventoryIO } from '../../client/src/inventoryLoader';
import { Requests, type ImageStatesResult, type InventoryUsesResult } from '../../server/src/protocol';

const DOCKERFILE = /^(?:Dockerfile|Containerfile)(?:\..+)?$|\.(?:Dockerfile|dockerfile|containerfile)$/;

export interface CountingIO extends InventoryIO {
  readonly counts: { reads: number; usesRequests: number; filesSent: number; analysed: number; stateRequests: number; referencesAsked: number };
}

function walk(dir: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== '.git') walk(p, out);
    } else if (DOCKERFILE.test(e.name)) out.push(pathToFileURL(p).toString());
  }
}

export function diskInventoryIO(root: string, connection: ProtocolConnection): CountingIO {
  const counts = { reads: 0, usesRequests: 0, filesSent: 0, analysed: 0, stateRequests: 0, referencesAsked: 0 };
  return {
    counts,
    async list() {
      const out: string[] = [];
      walk(root, out);
      return out;
    },
    async stamp(uri) {
      try {
        const st = await fs.promises.stat(fileURLToPath(uri));
        return `${st.mtimeMs}:${st.size}`;
      } catch {
        return null;
      }
    },
    async read(uri) {
      counts.reads++;
      try {
        return await fs.promises.readFile(fileURLToPath(uri), 'utf8');
      } catch {
        return null;
      }
    },
    async uses(files) {
      counts.usesRequests++;
      counts.filesSent += files.length;
      const r = await connection.sendRequest<InventoryUsesResult>(Requests.inventoryUses, { files });
      counts.analysed += r.analysed;
      return r.files;
    },
    async states(references, lookup) {
      counts.stateRequests++;
      counts.referencesAsked += references.length;
      return (await connection.sendRequest<ImageStatesResult>(Requests.imageStates, { references, lookup })).images;
    },
  };
}
