// The ADD --checksum fix fetches the file over https from a loopback server (capped, no credentials) and writes its
// sha256 — in the CLI (--fix) and in the editor (code action → command → workspace/applyEdit). It never invents one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { CodeActionKind, CodeActionRequest, ExecuteCommandRequest, type CodeAction } from 'vscode-languageserver-protocol/node';
import { main } from '../../server/src/cli/main';
import { makeCert } from '../support/registry';
import { startLsp, type LspClient } from '../support/lsp';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-checksum-'));
const payload = Buffer.from('#!/bin/sh\necho a real tool\n'.repeat(1000));
const expected = `sha256:${createHash('sha256').update(payload).digest('hex')}`;
let server: https.Server;
let host: string;
let certPath: string;
const seenAuth: (string | undefined)[] = [];
const clients: LspClient[] = [];

before(async () => {
  const cert = await makeCert(dir, 'files', '/CN=127.0.0.1', 'IP:127.0.0.1');
  certPath = cert.certPath;
  server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    seenAuth.push(req.headers.authorization);
    if (req.url === '/tool') {
      res.writeHead(200, { 'content-length': payload.length });
      res.end(payload);
    } else if (req.url === '/to-http') {
      res.writeHead(302, { location: `http://127.0.0.1:1/tool` });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd: dir, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

test('CLI --fix writes the sha256 of the served bytes; a redirect to http gets no checksum', async () => {
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, `FROM scratch\nADD https://${host}/tool /usr/local/bin/tool\nADD https://${host}/to-http /x\n`);
  const r = await cli(['check', '--network', '--cache-dir', path.join(dir, 'cache'), '--ca', `${host}=${certPath}`, '--fix', 'Dockerfile']);
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.includes(`ADD --checksum=${expected} https://${host}/tool /usr/local/bin/tool`), text);
  assert.ok(text.includes(`ADD https://${host}/to-http /x`), 'no checksum for the download that left https');
  assert.match(r.err, /no checksum for https:\/\/127\.0\.0\.1:\d+\/to-http: .*http/i);
  assert.ok(seenAuth.every((a) => a === undefined), 'no credentials sent with a download');
});

test('editor: the code action runs a command that downloads and inserts --checksum', async () => {
  const c = await startLsp({ settings: { registries: { [host]: { caFile: certPath } }, trust: { sources: [] } } });
  clients.push(c);
  const uri = 'file:///work/checksum/Dockerfile';
  c.open(uri, `FROM scratch\nADD https://${host}/tool /tool\n`, 1);
  const p = await c.until(uri, (x) => x.diagnostics.some((d) => d.message.toString().includes('--checksum')));
  const d = p.diagnostics.find((x) => x.message.toString().includes('--checksum') && x.range.start.line === 1)!;
  const actions = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: [CodeActionKind.QuickFix] } })) as CodeAction[];
  const add = actions.find((a) => a.command?.command === 'dockerfileTrust.addChecksum');
  assert.ok(add, actions.map((a) => a.title).join(' | '));
  await c.connection.sendRequest(ExecuteCommandRequest.type, { command: add.command!.command, arguments: add.command!.arguments ?? [] });
  assert.equal(c.applied.length, 1);
  const edit = c.applied[0]!.changes![uri]![0]!;
  assert.equal(edit.newText, ` --checksum=${expected}`);
  assert.deepEqual(edit.range.start, { line: 1, character: 3 });
});
