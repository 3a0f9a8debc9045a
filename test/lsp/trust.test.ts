// The editor features over LSP with real trust data, once per trust source: a local docker-registry plus either a real
// notary-server signed with the real notary CLI, or cosign signatures made in the test. Open → diagnostics → hover shows
// signer and expiry → the quick fix pins the signed (index) digest → the diagnostic goes away; unsigned images are flagged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeActionKind, CodeActionRequest, HoverRequest, type CodeAction, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { startLsp, type LspClient } from '../support/lsp';
import { startRegistry, type PushedImage, type RegistryHandle } from '../support/registry';
import { NotaryCli, startNotaryServer, type Running } from '../support/notary';
import { generateKey, signBundleReferrer } from '../support/cosign';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-lsp-trust-'));
let reg: RegistryHandle;
let app: PushedImage;
let plain: PushedImage;
let notary: Running | undefined;
const clients: LspClient[] = [];

before(async () => {
  reg = await startRegistry();
  app = await reg.pushImage('dt/app', '1.0', { kind: 'oci-index', seed: 'app' });
  plain = await reg.pushImage('dt/plain', '2.0', { kind: 'schema2', seed: 'plain' });
});

after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await notary?.stop();
  await reg?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

type Source = 'notary' | 'cosign';

async function prepare(source: Source): Promise<{ settings: unknown; signer: RegExp }> {
  const policyEntry = { pattern: `${reg.host}/dt/*`, required: true };
  if (source === 'notary') {
    notary = await startNotaryServer();
    const cli = new NotaryCli(notary.url);
    const gun = `${reg.host}/dt/app`;
    await cli.must('init', '-p', gun);
    await cli.must('key', 'rotate', gun, 'snapshot', '-r');
    await cli.must('addhash', gun, '1.0', String(app.manifest.length), '--sha256', app.digest.slice('sha256:'.length));
    await cli.must('publish', gun);
    return {
      settings: { registries: { [reg.host]: { insecureHttp: true } }, notary: { servers: { [reg.host]: notary.url } }, trust: { sources: ['notary'], policy: [policyEntry] } },
      signer: /Signed by Repo Admin \(key [0-9a-f]{12}/,
    };
  }
  const key = generateKey();
  const keyFile = path.join(work, 'cosign.pub');
  fs.writeFileSync(keyFile, key.publicKeyPem);
  await signBundleReferrer(reg, 'dt/app', app.digest, app.mediaType, app.manifest.length, key);
  return {
    // Keys made in a test are not in Rekor: tlog false is cosign's documented opt-out (--insecure-ignore-tlog).
    settings: { registries: { [reg.host]: { insecureHttp: true } }, trust: { sources: ['cosign'], policy: [{ ...policyEntry, keys: [{ path: keyFile, tlog: false }] }] } },
    signer: new RegExp(`Signed by key ${key.fingerprint.slice(0, 12)}|Signed by .*sha256:${key.fingerprint.slice(7, 19)}`),
  };
}

for (const source of ['notary', 'cosign'] as const) {
  describe(`trust source: ${source}`, { concurrency: false }, () => {
    let c: LspClient;
    let signer: RegExp;
    const uri = `file:///work/${source}/Dockerfile`;
    const text = `FROM --platform=$BUILDPLATFORM ${reg?.host ?? ''}/dt/app:1.0 AS base\n`;

    test('open: syntactic finding at once, then the trust facts', async () => {
      const prep = await prepare(source);
      signer = prep.signer;
      c = await startLsp({ settings: prep.settings });
      clients.push(c);
      const doc = `FROM --platform=$BUILDPLATFORM ${reg.host}/dt/app:1.0 AS base\nFROM ${reg.host}/dt/plain:2.0\n`;
      c.open(uri, doc, 1);
      // The unsigned image is reported once the trust lookups are done; the signed one only as unpinned.
      const p = await c.until(uri, (x) => x.diagnostics.some((d) => d.code === 'DT401'));
      const codes = p.diagnostics.map((d) => `${d.range.start.line}:${d.code}`).sort();
      assert.ok(codes.includes('0:DT101'), codes.join(' '));
      assert.ok(codes.includes('1:DT101'), codes.join(' '));
      assert.ok(codes.includes('1:DT401'), codes.join(' '));
      assert.ok(!codes.includes('0:DT401') && !codes.includes('0:DT402'), `the signed image is not flagged as unsigned/invalid: ${codes.join(' ')}`);
      void text;
    });

    test('hover shows signer, expiry and that it verified', async () => {
      const line = `FROM --platform=$BUILDPLATFORM ${reg.host}/dt/app:1.0 AS base`;
      const h = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: line.indexOf('/dt/app') + 3 } });
      const md = (h?.contents as MarkupContent).value;
      assert.match(md, /signed by/i);
      assert.match(md, signer);
      if (source === 'notary') {
        assert.match(md, /Trust data expires \d{4}-\d\d-\d\d \(in \d+ (year|month|day)s?\)/);
        assert.match(md, /Root key expires \d{4}-\d\d-\d\d \(in (9|10) years?\)/);
      }
      assert.match(md, /✓/);
      assert.ok(md.includes(app.digest), 'hover names the signed digest');
      const plainHover = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 8 } });
      assert.match((plainHover?.contents as MarkupContent).value, /Not signed|not signed|unsigned/i);
      assert.doesNotMatch((plainHover?.contents as MarkupContent).value, /✓/);
    });

    test('quick fix pins the signed index digest, keeping --platform and AS; the diagnostic disappears', async () => {
      const p = await c.until(uri, (x) => x.diagnostics.some((d) => d.code === 'DT101' && d.range.start.line === 0));
      const d = p.diagnostics.find((x) => x.code === 'DT101' && x.range.start.line === 0)!;
      const actions = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: [CodeActionKind.QuickFix] } })) as CodeAction[];
      const signed = actions.find((a) => a.title.startsWith('Pin to signed digest'));
      assert.ok(signed, `actions: ${actions.map((a) => a.title).join(' | ')}`);
      assert.equal(signed.isPreferred, true);
      const edits = signed.edit?.changes?.[uri] ?? [];
      assert.equal(edits.length, 1);
      assert.equal(edits[0]!.newText, `${reg.host}/dt/app:1.0@${app.digest}`);
      assert.ok(app.children.length >= 2 && !app.children.some((ch) => edits[0]!.newText.includes(ch.digest)), 'the index digest, not a platform child');
      c.change(uri, 2, [{ range: edits[0]!.range, text: edits[0]!.newText }]);
      const after2 = await c.until(uri, (x) => x.version === 2 && !x.diagnostics.some((dd) => dd.range.start.line === 0 && (dd.code === 'DT101' || dd.code === 'DT403')));
      assert.ok(!after2.diagnostics.some((dd) => dd.range.start.line === 0 && dd.severity !== undefined && dd.severity <= 2), JSON.stringify(after2.diagnostics.filter((dd) => dd.range.start.line === 0)));
      void plain;
    });
  });
}

describe('registry only (no trust source applies)', { concurrency: false }, () => {
  test('pin fix uses the index digest, labelled not signature-verified; a moved tag is reported with an update fix', async () => {
    const c = await startLsp({ settings: { registries: { [reg.host]: { insecureHttp: true } }, trust: { sources: [] } } });
    clients.push(c);
    const idx = await reg.pushImage('dt/multi', '3.1', { kind: 'list', seed: 'multi' });
    const uri = 'file:///work/registry/Dockerfile';
    c.open(uri, `FROM ${reg.host}/dt/multi:3.1 AS x # keep\n`, 1);
    const p = await c.until(uri, (x) => x.diagnostics.some((d) => d.code === 'DT101'));
    // Facts arrive after the syntactic pass; ask for actions until the registry answer is in.
    let actions: CodeAction[] = [];
    const d = p.diagnostics.find((x) => x.code === 'DT101')!;
    const pins = (): CodeAction[] => actions.filter((a) => a.title.startsWith('Pin to'));
    for (let i = 0; i < 100 && pins().length === 0; i++) {
      actions = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: [CodeActionKind.QuickFix] } })) as CodeAction[];
      if (pins().length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    const pin = actions.find((a) => a.title.startsWith('Pin to registry digest'));
    assert.ok(pin, actions.map((a) => a.title).join(' | '));
    assert.match(pin.title, /not signature-verified/);
    const e = pin.edit!.changes![uri]![0]!;
    assert.equal(e.newText, `${reg.host}/dt/multi:3.1@${idx.digest}`);
    assert.ok(idx.children.length >= 2 && idx.children.every((ch) => ch.digest !== idx.digest));

    // Pin, then move the tag: the pinned image gets "newer digest" with an update fix.
    c.change(uri, 2, [{ range: e.range, text: e.newText }]);
    await c.until(uri, (x) => x.version === 2 && !x.diagnostics.some((dd) => dd.code === 'DT101'));
    const moved = await reg.pushImage('dt/multi', '3.1', { kind: 'list', seed: 'multi-moved' });
    assert.notEqual(moved.digest, idx.digest);
    const fresh = await startLsp({ settings: { registries: { [reg.host]: { insecureHttp: true } }, trust: { sources: [] } } });
    clients.push(fresh);
    fresh.open(uri, `FROM ${reg.host}/dt/multi:3.1@${idx.digest} AS x # keep\n`, 1);
    const nd = await fresh.until(uri, (x) => x.diagnostics.some((dd) => dd.code === 'DT302'));
    const newer = nd.diagnostics.find((dd) => dd.code === 'DT302')!;
    assert.match(String(newer.message), new RegExp(`Newer digest for 3.1.*${moved.digest}`));
    const upd = (await fresh.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: newer.range, context: { diagnostics: [newer], only: [CodeActionKind.QuickFix] } })) as CodeAction[];
    const u = upd.find((a) => /Update pin/.test(a.title));
    assert.ok(u, upd.map((a) => a.title).join(' | '));
    assert.equal(u.edit!.changes![uri]![0]!.newText, `${reg.host}/dt/multi:3.1@${moved.digest}`);
  });
});

describe('pin all / fix all (source actions)', { concurrency: false }, () => {
  test('"Pin all images in this file" pins every image once digests are known; fix-all adds the exact fixes', async () => {
    const c = await startLsp({ settings: { registries: { [reg.host]: { insecureHttp: true } }, trust: { sources: [] } } });
    clients.push(c);
    const a = await reg.pushImage('dt/pa', '1', { kind: 'schema2', seed: 'pa' });
    const b = await reg.pushImage('dt/pb', '2', { kind: 'oci-index', seed: 'pb' });
    const uri = 'file:///work/pinall/Dockerfile';
    const text = `FROM ${reg.host}/dt/pa:1 AS one\nFROM ${reg.host}/dt/pb:2\nRUN wget -O /x http://downloads.example.com/x.tgz && tar xzf /x\n`;
    c.open(uri, text, 1);
    await c.until(uri, (x) => x.diagnostics.filter((d) => d.code === 'DT101').length === 2);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    let pinAll: CodeAction | undefined;
    for (let i = 0; i < 100 && pinAll === undefined; i++) {
      const got = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [], only: ['source.pinAll'] } })) as CodeAction[];
      pinAll = got.find((x) => x.title === 'Pin all images in this file (2)');
      if (pinAll === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(pinAll);
    const edits = pinAll.edit!.changes![uri]!.map((e) => e.newText).sort();
    assert.deepEqual(edits, [`${reg.host}/dt/pa:1@${a.digest}`, `${reg.host}/dt/pb:2@${b.digest}`].sort());
    const fixAll = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [], only: [CodeActionKind.SourceFixAll] } })) as CodeAction[];
    const all = fixAll[0]!.edit!.changes![uri]!.map((e) => e.newText);
    assert.ok(all.includes("https://"), `fix-all includes http→https: ${all.join(" | ")}`);
    assert.equal(all.filter((t) => t.includes('@sha256:')).length, 2);
    // Quick-fix requests never carry source actions.
    const quick = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [], only: [CodeActionKind.QuickFix] } })) as CodeAction[];
    assert.ok(!quick.some((x) => x.kind?.startsWith('source')));
  });
});
