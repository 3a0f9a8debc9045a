// Notation end to end on real parts: notation-go's OCI layout image pushed into a real docker-registry, with notation-go's
// own JWS and COSE signature envelopes attached through the referrers tag (distribution 2.x has no referrers API).
// The shipped CLI and the language server read notation's own files (trustpolicy.oci.json, truststore/x509/ca/<name>):
// a trust store holding the envelopes' root → signed (hover, pin fix); another root → refused; no signature → not signed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CodeActionKind, CodeActionRequest, HoverRequest, type CodeAction, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from '../support/paths';
import { Requests, type ImageUsesResult } from '../../server/src/protocol';
import { sharedData } from '../support/shared';
import { startLsp, type LspClient } from '../support/lsp';
import { startRegistry, type Descriptor, type RegistryHandle } from '../support/registry';
import { attachNotationSignature, COSE, envelopeChain, JWS, pushOciLayout } from '../support/notationRegistry';

const data = sharedData('conformance/notation/notation-go', 'the Notation registry end-to-end case (notation-go envelopes and OCI layout)');
const V = path.join(data.dir, 'internal', 'testdata');
const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-notation-e2e-'));
let reg: RegistryHandle;
let image: Descriptor;
const clients: LspClient[] = [];

/** notation's directory as a user has it: trustpolicy.oci.json and truststore/x509/ca/<store>/<cert>.pem. */
function notationDir(name: string, scopes: readonly string[], caPems: readonly string[], level = 'strict'): string {
  const dir = path.join(work, name);
  const ca = path.join(dir, 'truststore', 'x509', 'ca', 'acme');
  fs.mkdirSync(ca, { recursive: true });
  caPems.forEach((pem, i) => fs.writeFileSync(path.join(ca, `root${i}.pem`), pem));
  const policy = { version: '1.0', trustPolicies: [{ name: 'acme-images', registryScopes: scopes, signatureVerification: { level }, trustStores: ['ca:acme'], trustedIdentities: ['*'] }] };
  fs.writeFileSync(path.join(dir, 'trustpolicy.oci.json'), JSON.stringify(policy, null, 2));
  return dir;
}

let trusted = '';
let otherRoot = '';
let audit = '';
const repos = { jws: 'acme/alpine-jws', cose: 'acme/alpine-cose', both: 'acme/alpine', none: 'acme/plain' } as const;

before(async () => {
  if (data.skip !== false) return;
  reg = await startRegistry();
  const jws = fs.readFileSync(path.join(V, 'jws_signature.sig'));
  const cose = fs.readFileSync(path.join(V, 'cose_signature.sig'));
  for (const repo of Object.values(repos)) image = await pushOciLayout(reg, repo, 'v2', path.join(V, 'oci-layout'));
  await attachNotationSignature(reg, repos.jws, image, jws, JWS);
  await attachNotationSignature(reg, repos.cose, image, cose, COSE);
  await attachNotationSignature(reg, repos.both, image, jws, JWS);
  await attachNotationSignature(reg, repos.both, image, cose, COSE);
  const roots = [...new Set([envelopeChain(jws).at(-1)!.toString(), envelopeChain(cose).at(-1)!.toString()])];
  const scopes = Object.values(repos).map((r) => `${reg.host}/${r}`);
  trusted = notationDir('trusted', scopes, roots);
  // A store with a real root that did not sign these envelopes: notation-go's own test root.
  otherRoot = notationDir('other-root', scopes, [fs.readFileSync(path.join(data.dir, 'verifier', 'testdata', 'truststore', 'x509', 'ca', 'valid-trust-store', 'NotationTestRoot.pem'), 'utf8')]);
  audit = notationDir('audit', scopes, [fs.readFileSync(path.join(data.dir, 'verifier', 'testdata', 'truststore', 'x509', 'ca', 'valid-trust-store', 'NotationTestRoot.pem'), 'utf8')], 'audit');
});

after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await reg?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** The shipped CLI, in a fresh process with nothing from the user's environment but PATH. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env['PATH'] ?? '', HOME: work, NO_PROXY: '*', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

let n = 0;
function dockerfile(text: string): string {
  const f = path.join(work, `Dockerfile.${n++}`);
  fs.writeFileSync(f, text);
  return f;
}

function check(file: string, notation: string, extra: readonly string[] = []): Promise<Run> {
  return cli(['check', '--network', '--insecure-registry', reg.host, '--notation-dir', notation, '--cache-dir', path.join(work, `cache-${n++}`), ...extra, file]);
}

interface JsonImage {
  readonly reference: string;
  readonly headline: string;
  readonly lines: readonly string[];
  readonly verified: boolean;
}

async function images(file: string, notation: string): Promise<{ run: Run; images: JsonImage[]; codes: string[] }> {
  const run = await check(file, notation, ['--format', 'json']);
  const parsed = JSON.parse(run.out) as { files: { images: JsonImage[]; findings: { code: string; line: number }[] }[] };
  return { run, images: parsed.files[0]!.images, codes: parsed.files[0]!.findings.map((f) => `${f.line}:${f.code}`) };
}

describe('CLI (dist/cli.js) on the real registry', { skip: data.skip }, () => {
  test('the real JWS and COSE envelopes verify under a trust store holding their root: signed by the envelope subject, for the exact digest', async () => {
    for (const repo of [repos.jws, repos.cose, repos.both]) {
      const r = await images(dockerfile(`FROM ${reg.host}/${repo}:v2\n`), trusted);
      const img = r.images[0]!;
      assert.equal(img.verified, true, `${repo}: ${JSON.stringify(img)} ${r.run.err}`);
      assert.match(img.headline, /^signed by CN=alpine,O=Notary,L=Seattle,ST=WA,C=US$/);
      assert.ok(img.lines.some((l) => l.includes(`Notary Project (Notation), digest ${image.digest}`)), img.lines.join('\n'));
      assert.ok(img.lines.includes('trust policy "acme-images" (trustpolicy.oci.json), level strict'), img.lines.join('\n'));
      assert.ok(!r.codes.some((c) => c.endsWith('DT401') || c.endsWith('DT402')), r.codes.join(' '));
    }
  });

  test('the same envelopes under a trust store with another root: verification fails (authenticity), never "signed"; exit 1', async () => {
    const file = dockerfile(`FROM ${reg.host}/${repos.both}:v2\n`);
    const r = await images(file, otherRoot);
    assert.equal(r.images[0]!.verified, false);
    assert.doesNotMatch(r.images[0]!.headline, /^signed/);
    assert.ok(r.codes.includes('1:DT402'), r.codes.join(' '));
    const text = await check(file, otherRoot);
    assert.equal(text.code, 1, text.out + text.err);
    assert.match(text.out, /error +DT402 .*authenticity|error +DT402 .*trust store/i);
  });

  test('an image in the policy scope without any signature is reported unsigned, as `notation verify` would refuse it', async () => {
    const r = await check(dockerfile(`FROM ${reg.host}/${repos.none}:v2\n`), trusted);
    assert.equal(r.code, 1);
    assert.match(r.out, /error +DT401 .*acme\/plain:v2 is not signed: no Notation signature for sha256:[0-9a-f]{64}.*required by notation trust policy "acme-images" \(level strict/);
  });

  test('audit level: the failure is logged, not enforced; the image is never called signed and no error is raised', async () => {
    const r = await images(dockerfile(`FROM ${reg.host}/${repos.both}:v2\n`), audit);
    assert.equal(r.images[0]!.verified, false);
    assert.ok(r.images[0]!.lines.some((l) => /logged, not enforced \(level audit\)/.test(l)), r.images[0]!.lines.join('\n'));
    assert.ok(!r.codes.some((c) => /DT40[12]/.test(c)), r.codes.join(' '));
  });

  test('--fix pins the Notation-signed digest; afterwards the file is clean', async () => {
    const file = dockerfile(`FROM ${reg.host}/${repos.cose}:v2 AS base\n`);
    const fixed = await check(file, trusted, ['--fix']);
    assert.equal(fs.readFileSync(file, 'utf8'), `FROM ${reg.host}/${repos.cose}:v2@${image.digest} AS base\n`, fixed.out + fixed.err);
    assert.equal(fixed.code, 0, fixed.out + fixed.err);
  });

  test("notation's default directory ($XDG_CONFIG_HOME/notation) is read when no --notation-dir is given", async () => {
    const xdg = path.join(work, 'xdg');
    fs.mkdirSync(xdg, { recursive: true });
    fs.cpSync(trusted, path.join(xdg, 'notation'), { recursive: true });
    const r = await cli(['check', '--network', '--format', 'json', '--insecure-registry', reg.host, '--cache-dir', path.join(work, 'cache-xdg'), dockerfile(`FROM ${reg.host}/${repos.jws}:v2\n`)], { XDG_CONFIG_HOME: xdg });
    const parsed = JSON.parse(r.out) as { files: { images: JsonImage[] }[] };
    assert.equal(parsed.files[0]!.images[0]!.verified, true, r.out + r.err);
  });
});

describe('language server on the real registry', { skip: data.skip, concurrency: false }, () => {
  const settings = (dir: string): unknown => ({ registries: { [reg.host]: { insecureHttp: true } }, notation: { configDir: dir }, trust: { sources: ['notation'] } });

  test('hover names the signer, issuer, signing time, certificate expiry and the policy; the quick fix pins the signed digest', async () => {
    const c = await startLsp({ settings: settings(trusted) });
    clients.push(c);
    const uri = 'file:///work/notation/Dockerfile';
    const line = `FROM ${reg.host}/${repos.both}:v2 AS base`;
    c.open(uri, `${line}\nFROM ${reg.host}/${repos.none}:v2\n`, 1);
    const p = await c.until(uri, (x) => x.diagnostics.some((d) => d.code === 'DT401'), 60_000);
    assert.ok(!p.diagnostics.some((d) => d.range.start.line === 0 && (d.code === 'DT401' || d.code === 'DT402')), JSON.stringify(p.diagnostics));
    assert.ok(p.diagnostics.some((d) => d.range.start.line === 1 && d.code === 'DT401' && /required by notation trust policy "acme-images"/.test(String(d.message))));

    const h = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: line.indexOf('alpine') + 2 } });
    const md = (h?.contents as MarkupContent).value;
    assert.match(md, /Signed by CN=alpine,O=Notary,L=Seattle,ST=WA,C=US/);
    assert.match(md, /Notary Project \(Notation\)/);
    assert.match(md, /issuer: CN=alpine,O=Notary,L=Seattle,ST=WA,C=US/);
    assert.match(md, /signed 2023-03-14T08:10:02\.000Z \(signer's clock\)/);
    assert.match(md, /certificate expires 2123-08-29/);
    assert.match(md, /trust policy "acme-images" \(trustpolicy\.oci\.json\), level strict/);
    assert.ok(md.includes(image.digest));
    assert.match(md, /✓/);

    const d = p.diagnostics.find((x) => x.range.start.line === 0 && x.code === 'DT101')!;
    const actions = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: [CodeActionKind.QuickFix] } })) as CodeAction[];
    const pin = actions.find((a) => a.title.startsWith('Pin to signed digest'));
    assert.ok(pin, actions.map((a) => a.title).join(' | '));
    assert.match(pin.title, /signed by CN=alpine/);
    assert.equal(pin.edit!.changes![uri]![0]!.newText, `${reg.host}/${repos.both}:v2@${image.digest}`);

    // The inventory row and the trust-details document say the same, with Notation's words.
    const inv = (await c.connection.sendRequest(Requests.imageUses, { uri, text: `${line}\n`, lookup: true })) as ImageUsesResult;
    const row = inv.uses.find((u) => u.name === `${reg.host}/${repos.both}`);
    assert.equal(row?.signature, 'signed', JSON.stringify(row));
    assert.deepEqual(row?.signers, ['CN=alpine,O=Notary,L=Seattle,ST=WA,C=US']);
    const details = (await c.connection.sendRequest(Requests.trustDetails, { reference: `${reg.host}/${repos.both}:v2` })) as { markdown: string };
    assert.match(details.markdown, /### notation — signed/);
    assert.match(details.markdown, /- certificate chain expires: 2123-08-29/);
    assert.match(details.markdown, /\| CN=alpine,O=Notary,L=Seattle,ST=WA,C=US \| notation notary\.x509 \|/);
    assert.match(details.markdown, /trust policy "acme-images" \(trustpolicy\.oci\.json\), level strict/);
  });

  test('under a trust store with another root the same image is refused in the editor too, and no signed pin is offered', async () => {
    const c = await startLsp({ settings: settings(otherRoot) });
    clients.push(c);
    const uri = 'file:///work/notation-other/Dockerfile';
    c.open(uri, `FROM ${reg.host}/${repos.both}:v2\n`, 1);
    const p = await c.until(uri, (x) => x.diagnostics.some((d) => d.code === 'DT402'), 60_000);
    const h = await c.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 30 } });
    const md = (h?.contents as MarkupContent).value;
    assert.match(md, /verification FAILED/);
    assert.doesNotMatch(md, /✓/);
    for (const d of p.diagnostics) {
      const actions = (await c.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d], only: [CodeActionKind.QuickFix] } })) as CodeAction[];
      assert.ok(!actions.some((a) => a.title.startsWith('Pin to signed digest')), actions.map((a) => a.title).join(' | '));
    }
  });
});
