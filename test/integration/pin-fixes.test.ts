// "Pin this clone" and "Pin this download" against real servers on 127.0.0.1: git's own http-backend (smart HTTP)
// behind https, and an https file server. The ref resolution is checked against `git ls-remote` as the oracle; the
// inserted commands are run for real (git checkout, sha256sum -c); the CLI and the editor both show what they insert.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeActionKind, CodeActionRequest, ExecuteCommandRequest, ShowMessageRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { main } from '../../server/src/cli/main';
import { analyze } from '../../server/src/core/analyze';
import { createTransport, resolveGitRef, type Transport } from '../../server/src/registry';
import { startGitServer, type GitServer } from '../support/gitServer';
import { startLsp, type LspClient } from '../support/lsp';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-pins-'));
const tool = Buffer.from('#!/bin/sh\necho a real tool\n'.repeat(300));
const script = Buffer.from('#!/bin/sh\necho installing\n');
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
let srv: GitServer;
let transport: Transport;
let bare: string;
const clients: LspClient[] = [];

before(async () => {
  srv = await startGitServer(dir);
  bare = path.join(dir, 'projects', 'repo.git');
  transport = createTransport({ extraCaCerts: { [srv.host]: fs.readFileSync(srv.certPath, 'utf8') } });
  srv.routes.set('/files/tool', (_req, res) => res.writeHead(200, { 'content-length': tool.length }).end(tool));
  srv.routes.set('/files/install.sh', (_req, res) => res.writeHead(200).end(script));
  srv.routes.set('/plain/info/refs', (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('not git'));
  srv.routes.set('/big/info/refs', (_req, res) => res.writeHead(200, { 'content-type': 'application/x-git-upload-pack-advertisement' }).end(Buffer.alloc(64 * 1024, 0x30)));
  srv.routes.set('/stall/info/refs', () => undefined);
  srv.routes.set('/to-http/info/refs', (_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/repo.git/info/refs?service=git-upload-pack' }).end());
});

after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await transport.close();
  await srv.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rev = (spec: string): string => srv.git(['rev-parse', spec], bare);

test('resolveGitRef agrees with git ls-remote on the default branch, branches, lightweight and annotated tags', async () => {
  const url = `${srv.origin}/repo.git`;
  // Asynchronously: the server runs in this process, a synchronous child would wait for it forever.
  const { stdout: lsRemote } = await promisify(execFile)('git', ['ls-remote', url], { env: srv.clientEnv, encoding: 'utf8' });
  const oracle = new Map(lsRemote.trim().split('\n').map((l) => l.split('\t').reverse() as [string, string]));
  const cases: [string | null, 'branch' | 'tag' | 'any', string, string][] = [
    [null, 'any', oracle.get('HEAD')!, 'refs/heads/main'],
    ['dev', 'any', oracle.get('refs/heads/dev')!, 'refs/heads/dev'],
    ['main', 'branch', oracle.get('refs/heads/main')!, 'refs/heads/main'],
    ['v1', 'any', oracle.get('refs/tags/v1')!, 'refs/tags/v1'],
    // An annotated tag names a tag object; the commit is its peeled id (ls-remote's `^{}` line).
    ['v2', 'tag', oracle.get('refs/tags/v2^{}')!, 'refs/tags/v2'],
  ];
  for (const [ref, kind, commit, name] of cases) {
    const r = await resolveGitRef(transport.http, url, ref, { kind });
    assert.deepEqual(r, { ok: true, commit, ref: name }, `${ref ?? 'HEAD'}`);
  }
  assert.notEqual(oracle.get('refs/tags/v2'), oracle.get('refs/tags/v2^{}'), 'v2 is annotated');
  assert.equal(oracle.get('refs/tags/v2^{}'), rev('v2^{commit}'));
  // Also without the .git suffix and with a trailing slash.
  assert.deepEqual(await resolveGitRef(transport.http, `${srv.origin}/repo.git/`, 'dev'), { ok: true, commit: rev('dev'), ref: 'refs/heads/dev' });
});

test('resolveGitRef refuses what it cannot vouch for', async () => {
  const url = `${srv.origin}/repo.git`;
  const msg = async (u: string, ref: string | null, opts = {}): Promise<string> => {
    const r = await resolveGitRef(transport.http, u, ref, opts);
    assert.equal(r.ok, false, `${u} ${ref}`);
    return r.ok ? '' : r.message;
  };
  assert.match(await msg(url, 'nope'), /no branch or tag named nope/);
  assert.match(await msg(url, 'v2', { kind: 'branch' }), /no branch named v2/);
  assert.match(await msg(url, 'dev', { kind: 'tag' }), /no tag named dev/);
  const before = srv.requests.length;
  assert.match(await msg(`http://${srv.host}/repo.git`, 'main'), /only https/);
  assert.match(await msg(`https://user:secret@${srv.host}/repo.git`, 'main'), /credentials/);
  assert.equal(srv.requests.length, before, 'nothing was requested for http or credential URLs');
  assert.match(await msg(`${srv.origin}/plain`, 'main'), /did not answer as a smart-HTTP git server/);
  assert.match(await msg(`${srv.origin}/missing.git`, 'main'), /answered 404/);
  assert.match(await msg(`${srv.origin}/big`, 'main', { maxBytes: 16 * 1024 }), /more than the 16384-byte limit/);
  assert.match(await msg(`${srv.origin}/stall`, 'main', { timeoutMs: 300 }), /within 300 ms/);
  assert.match(await msg(`${srv.origin}/to-http`, 'main'), /https → http/);
  assert.ok(srv.requests.every((r) => r.authorization === undefined), 'no credentials were ever sent');
});

test('CLI --fix --network pins clones and downloads, prints each insertion, and the result verifies and runs', async () => {
  const work = path.join(dir, 'cli');
  fs.mkdirSync(work);
  const file = path.join(work, 'Dockerfile');
  const h = srv.origin;
  fs.writeFileSync(
    file,
    [
      'FROM scratch',
      `RUN git clone --depth 1 -b v2 ${h}/repo.git /src && make -C /src`,
      `ADD ${h}/repo.git#dev /dev`,
      `RUN curl -fsSLo /tmp/tool ${h}/files/tool && chmod +x /tmp/tool`,
      `RUN curl -fsSL ${h}/files/install.sh | sh -s -- --yes`,
      '',
    ].join('\n'),
  );
  let err = '';
  const code = await main(['check', '--network', '--cache-dir', path.join(work, 'cache'), '--ca', `${srv.host}=${srv.certPath}`, '--fix', 'Dockerfile'], { cwd: work, stdout: () => undefined, stderr: (s) => (err += s), isTTY: false });
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const v2 = rev('v2^{commit}');
  assert.equal(lines[1], `RUN git clone --depth 1 -b v2 ${h}/repo.git /src && git -C /src checkout --quiet ${v2} && make -C /src`, text);
  assert.equal(lines[2], `ADD ${h}/repo.git#${rev('dev')} /dev`, text);
  assert.equal(lines[3], `RUN curl -fsSLo /tmp/tool ${h}/files/tool && echo "${sha(tool)}  /tmp/tool" | sha256sum -c - && chmod +x /tmp/tool`, text);
  assert.equal(lines[4], `RUN curl -o /tmp/install.sh -fsSL ${h}/files/install.sh && echo "${sha(script)}  /tmp/install.sh" | sha256sum -c - && sh /tmp/install.sh --yes`, text);
  // Each insertion was printed.
  for (const l of [2, 3, 4, 5]) assert.match(err, new RegExp(`Dockerfile: line ${l}: `), err);
  assert.match(err, new RegExp(`${v2}`));
  assert.ok(code === 0 || code === 1);
  // The analysis now sees every download verified.
  const left = analyze(text).findings.filter((f) => /^DT20[127]$/.test(f.code));
  assert.deepEqual(left.map((f) => f.message), []);
  // And the inserted commands do what they say, for real.
  const run = (cmd: string, cwd: string): Promise<number> =>
    new Promise((resolve) => spawn('sh', ['-c', cmd], { cwd, env: srv.clientEnv, stdio: 'ignore' }).on('close', (code) => resolve(code ?? -1)));
  const sandbox = path.join(work, 'run');
  fs.mkdirSync(sandbox);
  const clone = (lines[1] as string).replace(/^RUN /, '').replace(' && make -C /src', '').replaceAll('/src', path.join(sandbox, 'src'));
  assert.equal(await run(clone, sandbox), 0, clone);
  assert.equal(srv.git(['rev-parse', 'HEAD'], path.join(sandbox, 'src')), v2);
  fs.writeFileSync(path.join(sandbox, 'tool'), tool);
  const check = (/&& (echo "[0-9a-f]{64}  \/tmp\/tool" \| sha256sum -c -)/.exec(lines[3] as string)?.[1] ?? '').replace('/tmp/tool', 'tool');
  assert.equal(await run(check, sandbox), 0, check);
  fs.writeFileSync(path.join(sandbox, 'tool'), Buffer.concat([tool, Buffer.from('x')]));
  assert.notEqual(await run(check, sandbox), 0, 'a changed file fails the inserted check');
});

async function editorWith(text: string, caps?: Record<string, unknown>): Promise<{ c: LspClient; uri: string; diagnostics: Diagnostic[] }> {
  const c = await startLsp({ settings: { registries: { [srv.host]: { caFile: srv.certPath } }, trust: { sources: [] } }, ...(caps ? { workspaceCapabilities: caps } : {}) });
  clients.push(c);
  const uri = `file:///work/pins/${clients.length}/Dockerfile`;
  c.open(uri, text, 1);
  const p = await c.until(uri, (x) => x.diagnostics.length > 0);
  return { c, uri, diagnostics: p.diagnostics };
}

async function pinAction(c: LspClient, uri: string, d: Diagnostic): Promise<CodeAction> {
  const actions = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: [CodeActionKind.QuickFix] } })) as CodeAction[];
  const a = actions.find((x) => x.command?.command === 'dockerfileTrust.pin');
  assert.ok(a, actions.map((x) => x.title).join(' | '));
  return a;
}

test('editor: "Pin this clone" asks before inserting exactly the checkout it shows; Cancel inserts nothing', async () => {
  const { c, uri, diagnostics } = await editorWith(`FROM scratch\nRUN git clone -b dev ${srv.origin}/repo.git app && make -C app\n`);
  const d = diagnostics.find((x) => x.code === 'DT207');
  assert.ok(d);
  const a = await pinAction(c, uri, d);
  assert.match(a.title, /^Pin this clone: resolve dev on 127\.0\.0\.1:\d+ to its commit$/);
  const asked: string[] = [];
  let answer = 'Cancel';
  c.connection.onRequest(ShowMessageRequest.type, (p) => {
    asked.push(p.message);
    return { title: answer };
  });
  await c.connection.sendRequest(ExecuteCommandRequest.type, { command: a.command!.command, arguments: a.command!.arguments ?? [] });
  assert.equal(c.applied.length, 0, 'Cancel: nothing applied');
  answer = 'Insert';
  await c.connection.sendRequest(ExecuteCommandRequest.type, { command: a.command!.command, arguments: a.command!.arguments ?? [] });
  const inserted = ` && git -C app checkout --quiet ${rev('dev')}`;
  assert.equal(asked.length, 2);
  assert.ok(asked[1]!.includes(inserted.trim()), asked[1]);
  assert.equal(c.applied.length, 1);
  const edit = c.applied[0]!.changes![uri]![0]!;
  assert.equal(edit.newText, inserted);
  assert.deepEqual(edit.range.start, { line: 1, character: `RUN git clone -b dev ${srv.origin}/repo.git app`.length });
});

test('editor: "Pin this download" as an annotated edit the client previews, with the SHA-256 of the served bytes', async () => {
  const { c, uri, diagnostics } = await editorWith(`FROM scratch\nRUN curl -fsSLo /usr/local/bin/tool ${srv.origin}/files/tool\n`, { workspaceEdit: { documentChanges: true, changeAnnotationSupport: { groupsOnLabel: true } } });
  const d = diagnostics.find((x) => x.code === 'DT201');
  assert.ok(d);
  const a = await pinAction(c, uri, d);
  assert.match(a.title, /^Pin this download: fetch it from 127\.0\.0\.1:\d+ once and check its SHA-256 with sha256sum -c$/);
  await c.connection.sendRequest(ExecuteCommandRequest.type, { command: a.command!.command, arguments: a.command!.arguments ?? [] });
  assert.equal(c.applied.length, 1);
  const we = c.applied[0]!;
  assert.equal(we.changeAnnotations?.['pin']?.needsConfirmation, true);
  assert.match(we.changeAnnotations?.['pin']?.description ?? '', new RegExp(sha(tool)));
  const change = we.documentChanges?.[0] as { edits: { newText: string; annotationId?: string }[] } | undefined;
  assert.equal(change?.edits[0]?.newText, ` && echo "${sha(tool)}  /usr/local/bin/tool" | sha256sum -c -`);
  assert.equal(change?.edits[0]?.annotationId, 'pin');
});
