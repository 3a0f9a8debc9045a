// Issue 12 through the language server: hovers and diagnostics name exactly who signed the pinned digest (#1),
// and a file of doubling ARGs keeps the server responsive for it and for other files (#6).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { startLsp, type LspClient } from '../support/lsp';
import { startRegistry, type PushedImage, type RegistryHandle } from '../support/registry';
import { NotaryCli, opensslDelegationKey, startNotaryServer, type Running } from '../support/notary';

let reg: RegistryHandle;
let notary: Running;
const clients: LspClient[] = [];

before(async () => {
  reg = await startRegistry();
  notary = await startNotaryServer();
});

after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await notary?.stop();
  await reg?.stop();
});

describe('#1 per-digest signers in the editor', { concurrency: false }, () => {
  let A: PushedImage;
  let B: PushedImage;
  let c: LspClient;
  const uri = 'file:///work/attacks/Dockerfile';

  before(async () => {
    A = await reg.pushImage('team/app', 'v1', { kind: 'oci-index', seed: 'lsp-released' });
    B = await reg.pushImage('team/app', 'admin', { kind: 'schema2', seed: 'lsp-admin' });
    const cli = new NotaryCli(notary.url);
    const gun = `${reg.host}/team/app`;
    try {
      await cli.must('init', '-p', gun);
      await cli.must('key', 'rotate', gun, 'snapshot', '-r');
      const k = opensslDelegationKey(cli.dir, 'releases');
      await cli.must('key', 'import', k.keyFile, '--role', 'targets/releases');
      await cli.must('delegation', 'add', gun, 'targets/releases', k.certFile, '--all-paths', '-p');
      await cli.must('addhash', gun, 'v1', String(B.manifest.length), '--sha256', B.digest.slice(7));
      await cli.must('addhash', gun, 'v1', String(A.manifest.length), '--sha256', A.digest.slice(7), '-r', 'targets/releases');
      await cli.must('publish', gun);
    } finally {
      cli.cleanup();
    }
    c = await startLsp({
      settings: {
        registries: { [reg.host]: { insecureHttp: true } },
        notary: { servers: { [reg.host]: notary.url } },
        trust: { sources: ['notary'], policy: [{ pattern: `${reg.host}/team/**`, required: true, notarySigners: ['releases'] }] },
      },
    });
    clients.push(c);
  });

  test('a pin signed only by Repo Admin: DT403 as an error, and the hover names Repo Admin for that digest, without ✓', async () => {
    const line0 = `FROM ${reg.host}/team/app:v1@${B.digest}`;
    const line1 = `FROM ${reg.host}/team/app:v1@${A.digest}`;
    c.open(uri, `${line0}\n${line1}\n`, 1);
    const p = await c.until(uri, (x) => x.diagnostics.some((d) => d.code === 'DT403'));
    const d403 = p.diagnostics.filter((d) => d.code === 'DT403');
    assert.deepEqual(d403.map((d) => [d.range.start.line, d.severity]), [[0, 1]], JSON.stringify(p.diagnostics));
    assert.ok(String(d403[0]!.message).includes(`releases signs ${A.digest} for v1`));
    const hover = async (line: number, text: string): Promise<string> =>
      ((await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: text.indexOf('/team/app') + 3 } }))?.contents as MarkupContent).value;
    const bad = await hover(0, line0);
    assert.match(bad, /pinned digest is signed only by Repo Admin; policy requires releases/);
    assert.ok(bad.includes(`Signed by Repo Admin`) && bad.includes(B.digest), bad);
    assert.doesNotMatch(bad, /✓/);
    assert.ok(!bad.split('\n').some((l) => l.includes('Signed by releases') && l.includes(B.digest)), 'releases is never named as a signer of B');
    const good = await hover(1, line1);
    assert.match(good, /signed by releases/);
    assert.match(good, /✓/);
    assert.ok(good.includes(`Signed by releases`) && good.includes(A.digest));
  });
});

describe('#6 doubling ARGs never stall the server', { concurrency: false }, () => {
  test('the hostile file gets its DT104 after every edit, and another file still gets its diagnostics', async () => {
    const c = await startLsp({ settings: {} });
    clients.push(c);
    let text = 'ARG A0=x\n';
    for (let i = 1; i < 40; i++) text += `ARG A${i}=$A${i - 1}$A${i - 1}\n`;
    text += 'FROM alpine:$A39\n';
    const hostile = 'file:///work/hostile/Dockerfile';
    c.open(hostile, text, 1);
    const first = await c.until(hostile, (x) => x.diagnostics.some((d) => d.code === 'DT104'));
    assert.match(String(first.diagnostics.find((d) => d.code === 'DT104')!.message), /would be longer than 32,768 characters/);
    // Type on the last ARG line, character by character.
    const line = 39;
    let col = `ARG A${line}=$A${line - 1}$A${line - 1}`.length;
    for (let v = 2; v < 12; v++) {
      c.change(hostile, v, [{ range: { start: { line, character: col }, end: { line, character: col } }, text: 'y' }]);
      col++;
    }
    const last = await c.until(hostile, (x) => x.version === 11);
    assert.ok(last.diagnostics.some((d) => d.code === 'DT104'));
    const other = 'file:///work/other/Dockerfile';
    c.open(other, 'FROM node\n', 1);
    const o = await c.until(other, (x) => x.diagnostics.some((d) => d.code === 'DT102'));
    assert.equal(o.version, 1);
  });
});
