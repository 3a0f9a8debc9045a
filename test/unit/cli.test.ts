// The CLI: formats, thresholds, exit codes and clear messages for bad inputs; SARIF validated against the 2.1.0 schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import { main } from '../../server/src/cli/main';
import { REPO_ROOT } from '../support/paths';
import { freshBundle } from '../support/build';

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

function tmpdir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-cli-'));
  fs.writeFileSync(path.join(d, 'Dockerfile'), 'FROM node:22\nFROM alpine:3.20@sha256:' + 'a'.repeat(64) + '\n');
  fs.writeFileSync(path.join(d, 'clean.Dockerfile'), 'FROM alpine:3.20@sha256:' + 'a'.repeat(64) + '\n');
  fs.writeFileSync(path.join(d, 'info.Dockerfile'), 'ARG B\nFROM $B\n');
  fs.mkdirSync(path.join(d, 'sub'));
  fs.writeFileSync(path.join(d, 'sub', 'Dockerfile'), 'FROM ubuntu\n');
  fs.writeFileSync(path.join(d, 'empty'), '');
  fs.writeFileSync(path.join(d, 'binary'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
  return d;
}

test('text output and exit 1 on findings at the default threshold (warning)', async () => {
  const d = tmpdir();
  const r = await run(['check', 'Dockerfile'], d);
  assert.equal(r.code, 1);
  assert.match(r.out, /1:6 +warning +DT101 +FROM node:22 is not pinned/);
  assert.match(r.out, /1 problem \(0 errors, 1 warning, 0 info\) in 1 file/);
});

test('exit 0 for a clean file, and information below the threshold does not fail', async () => {
  const d = tmpdir();
  assert.equal((await run(['check', 'clean.Dockerfile'], d)).code, 0);
  const info = await run(['check', 'info.Dockerfile'], d);
  assert.equal(info.code, 0);
  assert.match(info.out, /DT104/);
  assert.equal((await run(['check', '--severity', 'information', 'info.Dockerfile'], d)).code, 1);
  assert.equal((await run(['check', '--severity', 'error', 'Dockerfile'], d)).code, 0);
});

test('--build-arg and --rule change the result', async () => {
  const d = tmpdir();
  assert.equal((await run(['check', '--severity', 'information', '--build-arg', `B=alpine@sha256:${'b'.repeat(64)}`, 'info.Dockerfile'], d)).code, 0);
  assert.equal((await run(['check', '--rule', 'base-image-unpinned=off', 'Dockerfile'], d)).code, 0);
});

test('globs expand, ** included', async () => {
  const d = tmpdir();
  const r = await run(['check', '--format', 'json', '**/Dockerfile'], d);
  const j = JSON.parse(r.out) as { files: { path: string }[] };
  assert.deepEqual(j.files.map((f) => f.path).sort(), ['Dockerfile', 'sub/Dockerfile']);
});

test('bad inputs: missing file, directory, binary → exit 2 with one clear line each; empty file is a note', async () => {
  const d = tmpdir();
  const r = await run(['check', 'nope', 'sub', 'binary', 'empty', 'clean.Dockerfile'], d);
  assert.equal(r.code, 2);
  assert.match(r.err, /nope: no such file/);
  assert.match(r.err, /sub: is a directory/);
  assert.match(r.err, /binary: binary file, not a Dockerfile/);
  assert.match(r.out, /empty: empty file, nothing to check/);
  assert.doesNotMatch(r.err + r.out, /at .*\.ts:\d+/, 'no stack trace');
  const empty = await run(['check', 'empty'], d);
  assert.equal(empty.code, 0);
});

test('usage errors exit 2', async () => {
  const d = tmpdir();
  for (const args of [['check'], ['check', '--format', 'xml', 'Dockerfile'], ['check', '--severity', 'loud', 'Dockerfile'], ['frobnicate'], ['check', '--build-arg', 'novalue', 'Dockerfile'], ['check', '--what', 'Dockerfile'], ['check', 'no-match-*.txt']]) {
    const r = await run(args, d);
    assert.equal(r.code, 2, args.join(' '));
    assert.ok(r.err.length > 0);
  }
  assert.equal((await run(['--help'], d)).code, 0);
  assert.match((await run(['--version'], d)).out, /^\d+\.\d+\.\d+/);
});

test('SARIF output is valid against the SARIF 2.1.0 schema and carries rule metadata', async () => {
  const d = tmpdir();
  const r = await run(['check', '--format', 'sarif', 'Dockerfile', 'sub/Dockerfile', 'info.Dockerfile'], d);
  assert.equal(r.code, 1);
  const sarif = JSON.parse(r.out) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  const schemaPath = path.join(REPO_ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  const validate = ajv.compile(schema);
  const ok = validate(sarif);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  const run0 = sarif.runs[0]!;
  assert.ok(run0.tool.driver.rules.some((x) => x.id === 'base-image-unpinned'));
  assert.deepEqual(run0.results.map((x) => x.ruleId).sort(), ['base-image-latest', 'base-image-unpinned', 'base-image-unresolved']);
  for (const res of run0.results) assert.equal(run0.tool.driver.rules[res.ruleIndex]?.id, res.ruleId);
  // The schema check must be able to fail: a broken document is rejected.
  assert.equal(validate({ version: '2.1.0', runs: [{ tool: {} }] }), false);
});

test('the bundled CLI runs the example (main job of the README)', async () => {
  const { spawnSync } = await import('node:child_process');
  // Never a stale bundle: rebuilt when any source is newer.
  const cli = freshBundle('cli.js');
  const r = spawnSync(process.execPath, [cli, 'check', 'examples/Dockerfile'], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /examples\/Dockerfile/);
});
