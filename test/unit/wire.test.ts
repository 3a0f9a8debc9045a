// The stdio encoder assembles publishDiagnostics from cached per-diagnostic JSON: it must say exactly what JSON.stringify says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from 'vscode-languageserver/node';
import { messageJson } from '../../server/src/lsp/wire';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const NASTY = ['', 'plain', 'quote " and \\ backslash', 'line\nbreak\ttab', '\u0000\u001f control', 'emoji 🐳 and ü', '\u2028\u2029 separators', '</script>', 'lone surrogate \ud800'];

function diagnostic(r: () => number): object {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const line = Math.floor(r() * 5000);
  return {
    range: { start: { line, character: Math.floor(r() * 80) }, end: { line: line + Math.floor(r() * 3), character: Math.floor(r() * 80) } },
    severity: 1 + Math.floor(r() * 4),
    code: pick(['DT101', 'DT201', 'DT303']),
    codeDescription: { href: `file:///x/${pick(NASTY)}.md` },
    source: 'dockerfile-trust',
    message: pick(NASTY) + pick(NASTY),
    ...(r() < 0.3 ? { data: { n: r(), nested: [pick(NASTY), null, true] } } : {}),
  };
}

test('publishDiagnostics assembled from cached pieces equals JSON.stringify, also when the same objects are sent again', () => {
  const r = rng(7);
  let pool: object[] = [];
  for (let round = 0; round < 300; round++) {
    // Like the server: most diagnostics are the objects of the previous publish, a few are new.
    pool = pool.filter(() => r() < 0.9);
    const fresh = Math.floor(r() * 6);
    for (let i = 0; i < fresh; i++) pool.splice(Math.floor(r() * (pool.length + 1)), 0, diagnostic(r));
    const params: Record<string, unknown> = { uri: `file:///w/${NASTY[round % NASTY.length]}/Dockerfile`, diagnostics: [...pool] };
    if (r() < 0.8) params['version'] = round;
    const msg = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params } as unknown as Message;
    const got = messageJson(msg);
    // Equal as JSON (key order is not part of it), and byte-equal for the server's own key order.
    assert.deepEqual(JSON.parse(got), JSON.parse(JSON.stringify(msg)), `round ${round}`);
    const ordered = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: params['uri'], ...('version' in params ? { version: params['version'] } : {}), diagnostics: params['diagnostics'] } };
    assert.equal(messageJson(ordered as unknown as Message), JSON.stringify(ordered), `round ${round}`);
  }
});

test('other messages, and publishDiagnostics of an unexpected shape, are serialised as usual', () => {
  const cases = [
    { jsonrpc: '2.0', id: 1, result: { capabilities: {} } },
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'x' } },
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a', diagnostics: [], extra: 1 } },
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a', version: '3', diagnostics: [] } },
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a', diagnostics: [undefined, null, 1] } },
  ];
  for (const c of cases) assert.equal(messageJson(c as unknown as Message), JSON.stringify(c));
});
