// One pipeline for the editor and CI (issue 14): the same Dockerfile, the same policy and the same real registry and
// notary-server give the same facts-driven findings through the shipped CLI (dist/cli.js) and the language server
// (dist/server.js) — every image position (FROM, COPY --from, RUN --mount from, # syntax=, an ARG-resolved FROM), a
// signed tag, an unsigned one, a tag moved to unsigned content, a pin nobody signed, and an image that does not exist.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLsp, type LspClient } from '../support/lsp';
import { REPO_ROOT } from '../support/paths';
import { startRegistry, type PushedImage, type RegistryHandle } from '../support/registry';
import { NotaryCli, startNotaryServer, type Running } from '../support/notary';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-parity-'));
let reg: RegistryHandle;
let notary: Running;
let lsp: LspClient | undefined;
let signedV1: PushedImage;
let nobodySigned: PushedImage;

before(async () => {
  reg = await startRegistry();
  notary = await startNotaryServer();
  signedV1 = await reg.pushImage('corp/app', '1.0', { kind: 'oci-index', seed: 'app-1' });
  // 2.0 is signed, then the registry moves the tag to content nobody signed.
  const signed2 = await reg.pushImage('corp/app', '2.0', { kind: 'schema2', seed: 'app-2' });
  nobodySigned = await reg.pushImage('corp/app', 'scratch', { kind: 'schema2', seed: 'app-unsigned' });
  await reg.pushImage('corp/tool', '3', { kind: 'schema2', seed: 'tool' });
  await reg.pushImage('corp/frontend', '1', { kind: 'oci', seed: 'frontend' });
  const cli = new NotaryCli(notary.url);
  const gun = `${reg.host}/corp/app`;
  await cli.must('init', '-p', gun);
  await cli.must('key', 'rotate', gun, 'snapshot', '-r');
  await cli.must('addhash', gun, '1.0', String(signedV1.manifest.length), '--sha256', signedV1.digest.slice(7));
  await cli.must('addhash', gun, '2.0', String(signed2.manifest.length), '--sha256', signed2.digest.slice(7));
  await cli.must('publish', gun);
  await reg.pushImage('corp/app', '2.0', { kind: 'schema2', seed: 'app-2-moved' });
  fs.writeFileSync(path.join(work, 'policy.json'), JSON.stringify({ version: 1, notaryServers: { [reg.host]: notary.url }, images: [{ pattern: `${reg.host}/corp/**`, required: true }] }));
});

after(async () => {
  await lsp?.stop();
  await notary?.stop();
  await reg?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** Relative times ("less than a minute ago", "in 2 days") depend on the second each side renders them. */
function normal(message: string): string {
  return message.replace(/less than a minute ago|\d+ (?:second|minute)s? ago|just now/g, '<recently>');
}

interface Seen {
  readonly line: number;
  readonly code: string;
  readonly severity: string;
  readonly message: string;
}

const key = (s: Seen): string => `${s.line}:${s.code}:${s.severity}:${normal(s.message)}`;
const SEVERITY = ['', 'error', 'warning', 'information', 'hint'];

test('the CLI and the language server report the same facts-driven findings on the same input', { timeout: 180_000 }, async () => {
  const h = reg.host;
  const text = [
    `# syntax=${h}/corp/frontend:1`,
    `ARG BASE=${h}/corp/app:1.0`,
    'FROM $BASE AS signed',
    `FROM ${h}/corp/app:2.0 AS moved`,
    `FROM ${h}/corp/app:1.0@${nobodySigned.digest} AS pinned`,
    `COPY --from=${h}/corp/tool:3 /bin/tool /bin/tool`,
    `RUN --mount=type=bind,from=${h}/corp/missing:9,target=/m true`,
    '',
  ].join('\n');
  const file = path.join(work, 'Dockerfile');
  fs.writeFileSync(file, text);

  const run = await new Promise<{ code: number | null; out: string; err: string }>((done, fail) => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', '--policy', 'policy.json', '--insecure-registry', h, '--cache-dir', path.join(work, 'cache'), 'Dockerfile'], {
      cwd: work,
      env: { PATH: process.env['PATH'] ?? '', HOME: work, NO_PROXY: '*' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
  const json = JSON.parse(run.out) as { files: { findings: { code: string; severity: string; message: string; line: number }[] }[] };
  const cli = json.files[0]!.findings.map((f) => ({ line: f.line - 1, code: f.code, severity: f.severity, message: f.message }));
  const codes = new Set(cli.map((f) => f.code));
  // The input exercises what the pipeline does with facts: a verdict per image, not only syntax.
  for (const c of ['DT401', 'DT403']) assert.ok(codes.has(c), `the CLI reports ${c}: ${[...codes].join(' ')} ${run.err}`);
  assert.ok(cli.some((f) => f.line === 3 && f.code === 'DT401' && f.severity === 'error'), `the moved tag is an error: ${JSON.stringify(cli)}`);
  assert.ok(!cli.some((f) => f.line === 2 && (f.code === 'DT401' || f.code === 'DT402')), 'the signed image (FROM $BASE) is not flagged');
  assert.ok(cli.some((f) => f.line === 6 && /DT30/.test(f.code)), `the missing image is reported: ${JSON.stringify(cli)}`);

  lsp = await startLsp({ settings: { registries: { [h]: { insecureHttp: true } }, trust: { policyFile: path.join(work, 'policy.json') } } });
  const uri = `file://${file}`;
  lsp.open(uri, text, 1);
  const want = cli.map(key).sort();
  let last: string[] = [];
  try {
    await lsp.until(
      uri,
      (p) => {
        last = p.diagnostics.map((d) => key({ line: d.range.start.line, code: String(d.code), severity: SEVERITY[d.severity ?? 1] ?? '?', message: String(d.message) })).sort();
        return JSON.stringify(last) === JSON.stringify(want);
      },
      90_000,
    );
  } catch {
    assert.deepEqual(last, want, 'the language server settled on other findings than the CLI');
  }
});
