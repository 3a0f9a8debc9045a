// Adversarial review of the trust verdict (after issue 12): variants of the nine attacks, staged against the real
// docker-registry, notary-server and notary CLI (or a hostile server), through the shipped CLI path. Each test names
// the attack; the ones that found a hole were failing before the fix that names this file in its commit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { parseReference } from '../../server/src/core/imageRef';
import { CACHE_FILE } from '../../server/src/registry/cache';
import { type PushedImage, type RegistryHandle, startRegistry } from '../support/registry';
import { envelope, HandRepo, NotaryCli, opensslDelegationKey, rechain, startNotaryServer, StaticTrustServer, type Running } from '../support/notary';
import { generateKey, signLegacy, type TestKey } from '../support/cosign';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-adv-'));
let reg: RegistryHandle;
let notary: Running;
let key: TestKey;

before(async () => {
  reg = await startRegistry();
  notary = await startNotaryServer();
  key = generateKey();
  fs.writeFileSync(path.join(dir, 'trusted.pub'), key.publicKeyPem);
});

after(async () => {
  await notary?.stop();
  await reg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function run(args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd: dir, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

let n = 0;
function policy(entries: unknown[], extra: Record<string, unknown> = {}): string {
  const p = path.join(dir, `policy-${++n}.json`);
  fs.writeFileSync(p, JSON.stringify({ version: 1, images: entries, ...extra }));
  return p;
}

function dockerfile(text: string): string {
  const p = `Dockerfile.${++n}`;
  fs.writeFileSync(path.join(dir, p), text);
  return p;
}

interface JsonOut {
  files: { path: string; findings: { code: string; severity: string; message: string }[]; images?: { reference: string; headline: string; verified: boolean }[] }[];
}

/** The CLI as CI runs it: JSON, --severity error, the policy, this registry and Notary server. */
async function check(file: string, policyFile: string, extra: string[] = [], notaryUrl = notary.url): Promise<{ run: Run; json: JsonOut }> {
  const args = ['check', '--format', 'json', '--severity', 'error', '--policy', policyFile, '--insecure-registry', reg.host, '--notary-server', `${reg.host}=${notaryUrl}`];
  if (!extra.includes('--cache-dir')) args.push('--cache-dir', path.join(dir, `cache-${++n}`));
  const r = await run([...args, ...extra, file]);
  let json: JsonOut;
  try {
    json = JSON.parse(r.out) as JsonOut;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.out}\n${r.err}`);
  }
  return { run: r, json };
}

async function notarySigned(repo: string, sign: (cli: NotaryCli, gun: string) => Promise<void>): Promise<void> {
  const cli = new NotaryCli(notary.url);
  const gun = `${reg.host}/${repo}`;
  try {
    await cli.must('init', '-p', gun);
    await cli.must('key', 'rotate', gun, 'snapshot', '-r');
    await sign(cli, gun);
  } finally {
    cli.cleanup();
  }
}

async function delegate(cli: NotaryCli, gun: string, name: string): Promise<void> {
  const k = opensslDelegationKey(cli.dir, name);
  await cli.must('key', 'import', k.keyFile, '--role', `targets/${name}`);
  await cli.must('delegation', 'add', gun, `targets/${name}`, k.certFile, '--all-paths', '-p');
}

async function addhash(cli: NotaryCli, gun: string, tag: string, img: { digest: string; manifest: Buffer }, role?: string): Promise<void> {
  await cli.must('addhash', gun, tag, String(img.manifest.length), '--sha256', img.digest.slice(7), ...(role !== undefined ? ['-r', role] : []));
  await cli.must('publish', gun);
}

const codes = (json: JsonOut): string[] => json.files[0]!.findings.map((f) => `${f.code}:${f.severity}`);

describe('a repository cannot waive the machine policy', () => {
  before(async () => {
    await reg.pushImage('waive/app', 'v1', { kind: 'schema2', seed: 'waive' });
    // Trust data exists for the repository, but v1 was never signed.
    await notarySigned('waive/app', async (cli, gun) => {
      await delegate(cli, gun, 'releases');
      await addhash(cli, gun, 'other', await reg.pushImage('waive/app', 'other', { kind: 'schema2', seed: 'other' }), 'targets/releases');
    });
  });

  test('an ignore comment above FROM does not silence DT401 under a required entry: exit 1', async () => {
    const p = policy([{ pattern: `${reg.host}/waive/**`, required: true }]);
    const plain = await check(dockerfile(`FROM ${reg.host}/waive/app:v1\n`), p);
    assert.equal(plain.run.code, 1, plain.run.out);
    const waived = await check(dockerfile(`# dockerfile-trust ignore=base-image-unsigned,base-image-pin-unsigned,base-image-trust-invalid\nFROM ${reg.host}/waive/app:v1\n`), p);
    assert.equal(waived.run.code, 1, `the comment waived the policy: ${waived.run.out}`);
    assert.ok(codes(waived.json).includes('DT401:error'), codes(waived.json).join(' '));
  });
});

describe('#1 variants on the real stack: per digest and per tag', () => {
  let A: PushedImage;
  let B: PushedImage;
  before(async () => {
    A = await reg.pushImage('var/app', 'v1', { kind: 'oci-index', seed: 'var-a' });
    B = await reg.pushImage('var/app', 'v2', { kind: 'oci-index', seed: 'var-b' });
    await notarySigned('var/app', async (cli, gun) => {
      await delegate(cli, gun, 'releases');
      await addhash(cli, gun, 'v1', A, 'targets/releases');
      await addhash(cli, gun, 'v2', B, 'targets/releases');
    });
  });
  const pol = (): string => policy([{ pattern: `${reg.host}/var/**`, required: true, notarySigners: ['releases'] }]);

  test('name:tag@digest where releases signed the digest for another tag: DT403, exit 1', async () => {
    const { run: r, json } = await check(dockerfile(`FROM ${reg.host}/var/app:v1@${B.digest}\n`), pol());
    assert.equal(r.code, 1, r.out);
    const f = json.files[0]!.findings.find((x) => x.code === 'DT403');
    assert.ok(f !== undefined && f.severity === 'error', JSON.stringify(json.files[0]!.findings));
    assert.ok(f.message.includes('which is not signed for v1'), f.message);
    assert.equal(json.files[0]!.images![0]!.verified, false);
  });

  test('a platform child of the index signed for v1 is covered under v1, not under v2', async () => {
    const child = A.children[0]!.digest;
    const ok = await check(dockerfile(`FROM ${reg.host}/var/app:v1@${child}\n`), pol());
    assert.equal(ok.run.code, 0, ok.run.out);
    assert.equal(ok.json.files[0]!.images![0]!.verified, true);
    // The same child under v2 (whose signed index does not list it) is not signed.
    const other = await check(dockerfile(`FROM ${reg.host}/var/app:v2@${child}\n`), pol());
    assert.equal(other.run.code, 1, other.run.out);
    assert.equal(other.json.files[0]!.images![0]!.verified, false);
  });

  test('a digest-only pin of a digest releases signed (for any tag) is signed by releases', async () => {
    const { run: r, json } = await check(dockerfile(`FROM ${reg.host}/var/app@${B.digest}\n`), pol());
    assert.equal(r.code, 0, r.out);
    assert.match(json.files[0]!.images![0]!.headline, /^signed by releases/);
  });
});

describe('#9 variant: a registry cache stamped in the future', () => {
  let A: PushedImage;
  let moved: PushedImage;
  before(async () => {
    A = await reg.pushImage('future/app', 'v1', { kind: 'schema2', seed: 'future-a' });
    await notarySigned('future/app', async (cli, gun) => {
      await delegate(cli, gun, 'releases');
      await addhash(cli, gun, 'v1', A, 'targets/releases');
    });
    moved = await reg.pushImage('future/app', 'v1', { kind: 'schema2', seed: 'future-b' });
  });

  test('the tag moved to unsigned content is DT401 (error), not a "cannot confirm" warning from a cached answer', async () => {
    const cacheDir = path.join(dir, `cache-future-${++n}`);
    const ref = parseReference(`${reg.host}/future/app:v1`);
    assert.ok(ref.ok);
    // What an earlier run on a machine whose clock ran ahead left behind: the signed digest, stamped in 2099.
    const stamp = '2099-01-01T00:00:00.000Z';
    fs.mkdirSync(path.join(cacheDir, 'registry'), { recursive: true });
    fs.writeFileSync(
      path.join(cacheDir, 'registry', CACHE_FILE),
      JSON.stringify({ version: 1, entries: { [ref.canonical]: { fact: { state: 'ok', registry: reg.host, digest: A.digest, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', isIndex: false, platforms: [], lookedUpAt: stamp, fromCache: false }, expiresAt: Date.parse(stamp) } } }),
    );
    const { run: r, json } = await check(dockerfile(`FROM ${reg.host}/future/app:v1\n`), policy([{ pattern: `${reg.host}/future/**`, required: true }]), ['--cache-dir', cacheDir]);
    assert.equal(r.code, 1, `a cached answer from the future let the gate pass: ${r.out}`);
    const f = json.files[0]!.findings.find((x) => x.code === 'DT401');
    assert.ok(f !== undefined && f.severity === 'error' && f.message.includes(`now points to ${moved.digest}`), JSON.stringify(json.files[0]!.findings));
  });
});

describe('#7/#8 variant: legacy signatures crowding the trusted one out of the cap', () => {
  test('sixteen signatures by another key in front of the trusted one: "cannot be checked", never "FAILED", never signed', async () => {
    const img = await reg.pushImage('crowd/app', 'v1', { kind: 'schema2', seed: 'crowd' });
    const other = generateKey();
    for (let i = 0; i < 16; i++) await signLegacy(reg, 'crowd/app', img.digest, other);
    await signLegacy(reg, 'crowd/app', img.digest, key);
    const p = policy([{ pattern: `${reg.host}/crowd/**`, required: true, keys: [{ path: path.join(dir, 'trusted.pub'), tlog: false }] }]);
    // cosign only (no Notary server for this registry): the answer is cosign's alone.
    const r = await run(['check', '--format', 'json', '--severity', 'error', '--policy', p, '--insecure-registry', reg.host, '--cache-dir', path.join(dir, `cache-${++n}`), dockerfile(`FROM ${reg.host}/crowd/app@${img.digest}\n`)]);
    const json = JSON.parse(r.out) as JsonOut;
    const got = codes(json);
    assert.ok(!got.some((c) => c.startsWith('DT402')), `a signature never looked at made the image "verification FAILED": ${got.join(' ')}`);
    assert.ok(got.includes("DT401:warning"), JSON.stringify(json.files[0]!.findings));
    assert.match(json.files[0]!.findings.find((f) => f.code === 'DT401')!.message, /not checked/);
    assert.equal(json.files[0]!.images![0]!.verified, false);
  });
});

describe('hostile text from a trust server', () => {
  test('a delegation name with ANSI escapes and forged lines reaches the terminal only as visible escapes', async () => {
    const srv = new StaticTrustServer();
    await srv.start();
    try {
      await reg.pushImage('ansi/app', 'v1', { kind: 'schema2', seed: 'ansi' });
      const gun = `${reg.host}/ansi/app`;
      const repo = new HandRepo(gun);
      const files = repo.build({ targets: {}, releases: { v1: { digest: `sha256:${'1'.repeat(64)}`, length: 10 } } });
      // Malformed paths make the parse fail before any signature check, with the role name in the reason.
      const t = JSON.parse(files['targets']!.toString());
      t.signed.delegations.roles.push({ name: '\u001b[2J\u001b[H\u001b[32m✓ all images signed\n\u001b[0m', keyids: [], threshold: 1, paths: 'x' });
      files['targets'] = envelope(t.signed, [repo.keys.targets]);
      srv.set(gun, rechain(repo, files));
      const p = policy([{ pattern: `${reg.host}/ansi/**`, required: true }]);
      const file = dockerfile(`FROM ${gun}:v1\n`);
      const r = await run(['check', '--severity', 'error', '--policy', p, '--insecure-registry', reg.host, '--notary-server', `${reg.host}=${srv.url}`, '--cache-dir', path.join(dir, `cache-${++n}`), file]);
      assert.equal(r.code, 1, r.out);
      assert.ok(/DT402/.test(r.out), r.out);
      assert.ok(!r.out.includes('\u001b') && !r.err.includes('\u001b'), `raw escape sequences reached the terminal: ${JSON.stringify(r.out)}`);
      assert.ok(!r.out.split('\n').some((l) => l.startsWith('✓ all images signed')), 'a forged line of its own');
      assert.ok(r.out.includes('\\u001b[2J'), 'the escape is shown, not hidden');
    } finally {
      await srv.stop();
    }
  });
});
