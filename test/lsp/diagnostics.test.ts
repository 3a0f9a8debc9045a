// The bundled server over stdio: diagnostics on open, updated on incremental edits, with codes, links and fixes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { CodeActionRequest, CodeActionKind, type CodeAction } from 'vscode-languageserver-protocol/node';
import { startLsp, type LspClient } from '../support/lsp';

const clients: LspClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
});

test('open → diagnostics; edit → diagnostics update; close the problem → gone', async () => {
  const c = await startLsp({ settings: { network: { enabled: false } } });
  clients.push(c);
  assert.equal(c.initialize.serverInfo?.name, 'dockerfile-trust');
  const uri = 'file:///work/Dockerfile';
  const waiting = c.diagnostics(uri, 1);
  c.open(uri, 'FROM node:22\nRUN echo hi\n', 1);
  const first = await waiting;
  assert.equal(first.version, 1);
  assert.equal(first.diagnostics.length, 1);
  const d = first.diagnostics[0];
  assert.ok(d);
  assert.equal(d.code, 'DT101');
  assert.equal(d.source, 'dockerfile-trust');
  assert.deepEqual(d.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 12 } });
  assert.match(d.codeDescription?.href ?? '', /^file:\/\/.*docs\/rules\/base-image-unpinned\.md$/);

  // Incremental edit: replace "node:22" by "node" → latest rule instead.
  const second = c.diagnostics(uri, 2);
  c.change(uri, 2, [{ range: { start: { line: 0, character: 9 }, end: { line: 0, character: 12 } }, text: '' }]);
  const p2 = await second;
  assert.deepEqual(p2.diagnostics.map((x) => x.code), ['DT102']);

  // Add a digest: no findings.
  const third = c.diagnostics(uri, 3);
  c.change(uri, 3, [{ range: { start: { line: 0, character: 9 }, end: { line: 0, character: 9 } }, text: '@sha256:' + 'a'.repeat(64) }]);
  assert.deepEqual((await third).diagnostics, []);

  // Insert a new FROM line above: positions move.
  const fourth = c.diagnostics(uri, 4);
  c.change(uri, 4, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'FROM alpine:3.20 AS x\n' }]);
  const p4 = await fourth;
  assert.deepEqual(p4.diagnostics.map((x) => [x.code, x.range.start.line]), [['DT101', 0]]);
});

test('settings: rule severity and build args from workspace/configuration', async () => {
  const c = await startLsp({ settings: { network: { enabled: false }, rules: { 'base-image-unpinned': 'error' }, buildArgs: { TAG: 'latest' } } });
  clients.push(c);
  const uri = 'file:///work/settings/Dockerfile';
  const w = c.diagnostics(uri, 1);
  c.open(uri, 'FROM node:22\n');
  const p = await w;
  assert.deepEqual(p.diagnostics.map((x) => [x.code, x.severity]), [['DT101', 1]]);
  const c2 = await startLsp({ settings: { network: { enabled: false }, buildArgs: { TAG: 'latest' } } });
  clients.push(c2);
  const w2 = c2.diagnostics(uri, 1);
  c2.open(uri, 'ARG TAG=1\nFROM redis:$TAG\n');
  assert.deepEqual((await w2).diagnostics.map((x) => x.code), ['DT102']);
});

test('malformed input never crashes the server, and it keeps answering', async () => {
  const c = await startLsp({ settings: { network: { enabled: false } } });
  clients.push(c);
  const uri = 'file:///work/bad/Dockerfile';
  const w = c.diagnostics(uri, 1);
  c.open(uri, '\u0000FROM \\\n<<EOF\nRUN <<\n' + '$('.repeat(2000) + '\nFROM --platform= AS\n');
  await w;
  let text = '';
  for (let v = 2; v < 40; v++) {
    text += ['\\', '\n', '<<EOF', '#', 'FROM x', '"', '`'][v % 7];
    const next = c.diagnostics(uri, v);
    c.change(uri, v, [{ text }]);
    const p = await next;
    assert.equal(p.version, v);
  }
  assert.equal(c.child.exitCode, null, 'server still running');
});

test('code actions: a diagnostic is matched to its finding by code and range; diagnostics carry no data', async () => {
  const c = await startLsp({ settings: { network: { enabled: false } } });
  clients.push(c);
  const uri = 'file:///work/actions/Dockerfile';
  const w = c.diagnostics(uri, 1);
  c.open(uri, 'FROM node:22\nRUN curl -fsSL http://example.com/tool.tgz -o /tmp/t.tgz && tar -xzf /tmp/t.tgz\n');
  const p = await w;
  // Nothing but what the editor shows is sent on each keystroke.
  for (const d of p.diagnostics) assert.equal(d.data, undefined, `${String(d.code)} carries data`);
  const http = p.diagnostics.find((d) => d.code === 'DT203' && typeof d.message === 'string' && d.message.includes('http://'));
  assert.ok(http, `an insecure-http diagnostic: ${p.diagnostics.map((d) => d.code).join(', ')}`);
  const ask = (diagnostics: typeof p.diagnostics) =>
    c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: http.range, context: { diagnostics, only: [CodeActionKind.QuickFix] } }) as Promise<CodeAction[]>;
  const actions = await ask([http]);
  const https = actions.find((a) => a.title.includes('https'));
  assert.ok(https?.edit?.changes?.[uri], `an http → https fix: ${actions.map((a) => a.title).join(' | ')}`);
  const edits = https.edit.changes[uri];
  assert.equal(edits.length, 1);
  const line1 = 'RUN curl -fsSL http://example.com/tool.tgz -o /tmp/t.tgz && tar -xzf /tmp/t.tgz';
  const e = edits[0]!;
  assert.equal(e.range.start.line, 1);
  assert.equal(line1.slice(0, e.range.start.character) + e.newText + line1.slice(e.range.end.character), line1.replace('http://', 'https://'));
  // Without registry facts there is no digest to pin to: the server must not invent one.
  const pins = await ask(p.diagnostics.filter((d) => d.code === 'DT101'));
  for (const a of pins) assert.doesNotMatch(JSON.stringify(a), /sha256:[0-9a-f]{64}/);
  // A diagnostic whose range matches no current finding (the text moved on) gets no action.
  const moved = { ...http, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 3 } } };
  assert.deepEqual(await ask([moved]), []);
});
