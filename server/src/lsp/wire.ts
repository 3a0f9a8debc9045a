// The stdio message encoder: publishDiagnostics is re-sent whole on every keystroke, but most of its
// diagnostics are the same objects as in the previous publish (findings of unchanged stages), so each
// diagnostic's JSON is kept and the message is assembled from those pieces instead of re-serialised.
import type { ContentTypeEncoder, Message, MessageWriterOptions } from 'vscode-languageserver/node';

const PUBLISH = 'textDocument/publishDiagnostics';

/** JSON of a diagnostic object, kept as long as the object lives (the server reuses unchanged ones). */
const pieces = new WeakMap<object, string>();

function pieceOf(d: unknown): string {
  if (d === null || typeof d !== 'object') return JSON.stringify(d) ?? 'null';
  let s = pieces.get(d);
  if (s === undefined) pieces.set(d, (s = JSON.stringify(d)));
  return s;
}

function hasOnlyKeys(o: object, allowed: readonly string[]): boolean {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) return false;
  return true;
}

/**
 * The JSON text of a message: equal (as JSON) to JSON.stringify(msg). Only a publishDiagnostics
 * notification of the plain shape { jsonrpc, method, params: { uri, version?, diagnostics[] } } takes
 * the assembled path; anything else is serialised as usual.
 */
export function messageJson(msg: Message): string {
  const m = msg as { jsonrpc?: unknown; method?: unknown; params?: unknown };
  const p = m.params as { uri?: unknown; version?: unknown; diagnostics?: unknown } | undefined;
  if (
    m.method !== PUBLISH ||
    !hasOnlyKeys(m, ['jsonrpc', 'method', 'params']) ||
    p === null ||
    typeof p !== 'object' ||
    !hasOnlyKeys(p, ['uri', 'version', 'diagnostics']) ||
    typeof p.uri !== 'string' ||
    !Array.isArray(p.diagnostics) ||
    (p.version !== undefined && typeof p.version !== 'number')
  ) {
    return JSON.stringify(msg);
  }
  const version = p.version === undefined ? '' : `,"version":${JSON.stringify(p.version)}`;
  return `{"jsonrpc":${JSON.stringify(m.jsonrpc)},"method":"${PUBLISH}","params":{"uri":${JSON.stringify(p.uri)}${version},"diagnostics":[${p.diagnostics.map(pieceOf).join(',')}]}}`;
}

export const diagnosticsEncoder: ContentTypeEncoder = {
  name: 'application/json',
  encode(msg: Message, options: MessageWriterOptions): Promise<Uint8Array> {
    return Promise.resolve(Buffer.from(messageJson(msg), (options.charset ?? 'utf-8') as BufferEncoding));
  },
};
