// The `ADD --checksum` command: fetch the URL once (https only, capped, timed, no credentials), then insert the
// checksum only where the same ADD still stands after the download.
import type { CancellationToken, Connection, ExecuteCommandParams, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export const ADD_CHECKSUM = 'dockerfileTrust.addChecksum';

export type ChecksumFetch = (url: string, signal?: AbortSignal) => Promise<{ readonly ok: true; readonly digest: string; readonly bytes: number } | { readonly ok: false; readonly message: string }>;

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the file';
  }
}

export async function runAddChecksum(connection: Connection, documents: TextDocuments<TextDocument>, checksum: ChecksumFetch, params: ExecuteCommandParams, token: CancellationToken): Promise<void> {
  const arg = (params.arguments?.[0] ?? {}) as { uri?: unknown; url?: unknown; insertAt?: { start?: { line?: unknown; character?: unknown } } };
  const uri = typeof arg.uri === 'string' ? arg.uri : '';
  const url = typeof arg.url === 'string' ? arg.url : '';
  const line = arg.insertAt?.start?.line;
  const character = arg.insertAt?.start?.character;
  if (uri === '' || url === '' || typeof line !== 'number' || typeof character !== 'number') return;
  const ctl = new AbortController();
  token.onCancellationRequested(() => ctl.abort());
  const progress = await connection.window.createWorkDoneProgress();
  progress.begin('Dockerfile Trust', undefined, `Downloading ${hostOf(url)} to compute its checksum…`, true);
  progress.token.onCancellationRequested(() => ctl.abort());
  const result = await checksum(url, ctl.signal);
  progress.done();
  if (!result.ok) {
    void connection.window.showErrorMessage(`Could not add --checksum for ${url}: ${result.message}`);
    return;
  }
  const doc = documents.get(uri);
  // The document may have changed during the download: insert only where an ADD keyword still ends at that spot.
  const lineText = doc?.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }) ?? '';
  if (doc === undefined || !/^\s*(ONBUILD\s+)?ADD$/i.test(lineText.slice(0, character)) || !doc.getText().includes(url)) {
    void connection.window.showWarningMessage(`The ADD instruction for ${url} changed during the download; the checksum ${result.digest} was not inserted.`);
    return;
  }
  await connection.workspace.applyEdit({ label: 'Add --checksum', edit: { changes: { [uri]: [{ range: { start: { line, character }, end: { line, character } }, newText: ` --checksum=${result.digest}` }] } } });
}
