// CI output formats checked against what their consumers read: GitHub workflow commands (the official toolkit,
// @actions/core, as the oracle), GitLab Code Quality JSON (the documented shape as a JSON schema), checkstyle XML
// (xmllint with a schema of the documented shape); and --fix --diff (a patch that git applies, nothing written).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import * as core from '@actions/core';
import { main } from '../../server/src/cli/main';
import { formatGithub } from '../../server/src/cli/formats/github';
import { xmlAttr } from '../../server/src/cli/formats/checkstyle';
import { RULES } from '../../server/src/core/rules';
import type { FileResult } from '../../server/src/cli/format';
import type { Finding } from '../../server/src/core/types';
import { REPO_ROOT } from '../support/paths';

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

const D = '@sha256:' + 'a'.repeat(64);
function workdir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-formats-'));
  fs.writeFileSync(path.join(d, 'Dockerfile'), `FROM node:22\nFROM alpine\nARG B\nFROM $B\nRUN curl -fsSL https://example.com/i.sh | sh\nFROM alpine:3.20${D}\n`);
  fs.mkdirSync(path.join(d, 'sub dir'));
  // A file name with every character the formats must escape.
  fs.writeFileSync(path.join(d, 'sub dir', 'we,ird:na%me&<x>"\'.Dockerfile'), 'FROM ubuntu:24.04\n');
  return d;
}

/** Runs `fn` and returns what it wrote to process.stdout (the toolkit writes commands there). */
function captureStdout(fn: () => void): string {
  let out = '';
  const real = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = real;
  }
  return out;
}

const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'base-image-unpinned',
  code: 'DT101',
  severity: 'warning',
  message: 'm',
  range: { start: { line: 0, character: 5 }, end: { line: 0, character: 12 } },
  ...over,
});

test('github: every annotation is byte for byte what @actions/core writes for the same finding', () => {
  const hostile = [
    finding({ message: 'plain message' }),
    finding({ severity: 'error', message: 'percent %0A is not a newline, 100% sure' }),
    finding({ severity: 'information', message: 'line one\nline two\r\n::error::injected' }),
    finding({ severity: 'hint', message: 'colon: and, comma', range: { start: { line: 2, character: 0 }, end: { line: 4, character: 3 } } }),
  ];
  const results: FileResult[] = [
    { path: 'a/Dockerfile', findings: hostile },
    { path: 'we,ird:na%me\nx.Dockerfile', findings: [finding({ message: 'm2' })] },
  ];
  const info = { version: '0', rules: RULES, threshold: 'warning' as const, rootUri: 'file:///w/' };
  const ours = formatGithub(results, info);
  const expected = captureStdout(() => {
    for (const r of results) {
      for (const f of r.findings) {
        const props: core.AnnotationProperties = {
          title: `${f.code} ${f.ruleId}`,
          file: r.path,
          startLine: f.range.start.line + 1,
          endLine: f.range.end.line + 1,
          ...(f.range.start.line === f.range.end.line ? { startColumn: f.range.start.character + 1, endColumn: f.range.end.character + 1 } : {}),
        };
        if (f.severity === 'error') core.error(f.message, props);
        else if (f.severity === 'warning') core.warning(f.message, props);
        else core.notice(f.message, props);
      }
    }
  });
  assert.equal(ours, expected.replace(/\r\n/g, '\n'));
  // One line per annotation: nothing in a message or path can start another command.
  assert.equal(ours.trimEnd().split('\n').length, 5);
  for (const line of ours.trimEnd().split('\n')) assert.match(line, /^::(error|warning|notice) title=[^:\n]*::[^\n]*$/);
});

test('github: the CLI output for real files is one command per finding, levels by severity', async () => {
  const d = workdir();
  const r = await run(['check', '--format', 'github', '--severity', 'error', 'Dockerfile', 'sub dir/*.Dockerfile'], d);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  // Properties escape ':' and ','; the message does not.
  assert.ok(lines.some((l) => l.startsWith('::warning title=DT101 base-image-unpinned,file=Dockerfile,line=1,endLine=1,col=6,endColumn=13::FROM node:22 is not pinned')), r.out);
  assert.ok(lines.some((l) => l.startsWith('::notice title=DT104 base-image-unresolved,file=Dockerfile,line=4')), r.out);
  assert.ok(lines.some((l) => l.includes('file=sub dir/we%2Cird%3Ana%25me&<x>"\'.Dockerfile')), r.out);
});

test('gitlab: the report validates against the documented Code Quality shape; fingerprints are unique and survive line moves', async () => {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'schemas', 'gitlab-codequality.json'), 'utf8'));
  const validate = new Ajv({ strict: false }).compile(schema);
  const d = workdir();
  // Two identical findings in one file must still get two fingerprints (GitLab drops duplicates).
  fs.writeFileSync(path.join(d, 'twice.Dockerfile'), 'FROM ubuntu\nFROM ubuntu\n');
  const r = await run(['check', '--format', 'gitlab', './Dockerfile', 'twice.Dockerfile', 'sub dir/*.Dockerfile'], d);
  assert.equal(r.code, 1, r.err);
  const report = JSON.parse(r.out) as { fingerprint: string; severity: string; check_name: string; location: { path: string; lines: { begin: number } } }[];
  assert.ok(validate(report), JSON.stringify(validate.errors, null, 2));
  assert.ok(report.length >= 6);
  assert.equal(new Set(report.map((i) => i.fingerprint)).size, report.length, 'fingerprints are unique');
  assert.ok(report.every((i) => !i.location.path.startsWith('./')));
  assert.deepEqual(report.filter((i) => i.location.path === 'twice.Dockerfile').map((i) => i.location.lines.begin), [1, 2]);
  assert.equal(report.find((i) => i.check_name === 'download-piped-to-shell')?.severity, 'major');
  // A line added above the findings changes no fingerprint (the merge request must not show them as new).
  fs.writeFileSync(path.join(d, 'Dockerfile'), '# a comment\n' + fs.readFileSync(path.join(d, 'Dockerfile'), 'utf8'));
  const moved = JSON.parse((await run(['check', '--format', 'gitlab', './Dockerfile', 'twice.Dockerfile', 'sub dir/*.Dockerfile'], d)).out) as typeof report;
  assert.deepEqual(moved.map((i) => i.fingerprint).sort(), report.map((i) => i.fingerprint).sort());
  // The schema check can fail: a wrong severity and a missing fingerprint are rejected.
  assert.equal(validate([{ ...report[0], severity: 'warning' }]), false);
  const { fingerprint: _f, ...noFingerprint } = report[0]!;
  assert.equal(validate([noFingerprint]), false);
});

function xmllint(xml: string): { status: number | null; stderr: string } {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-xml-'));
  const file = path.join(d, 'report.xml');
  fs.writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', path.join(REPO_ROOT, 'test', 'fixtures', 'schemas', 'checkstyle.xsd'), file], { encoding: 'utf8' });
  fs.rmSync(d, { recursive: true, force: true });
  if (r.error) throw new Error(`xmllint is needed (Debian libxml2-utils, installed by scripts/setup.sh): ${r.error.message}`);
  return { status: r.status, stderr: r.stderr };
}

test('checkstyle: well-formed XML that validates against the documented shape, with hostile names and messages intact', async () => {
  const d = workdir();
  const r = await run(['check', '--format', 'checkstyle', 'Dockerfile', 'sub dir/*.Dockerfile'], d);
  assert.equal(r.code, 1, r.err);
  const v = xmllint(r.out);
  assert.equal(v.status, 0, v.stderr);
  assert.match(r.out, /<file name="sub dir\/we,ird:na%me&amp;&lt;x&gt;&quot;&apos;\.Dockerfile">/);
  assert.match(r.out, /<error line="1" column="6" severity="warning" message="FROM node:22 is not pinned[^"]*\(DT101\)" source="dockerfile-trust\.base-image-unpinned"\/>/);
  // Characters XML 1.0 cannot carry become U+FFFD; line breaks survive as references.
  assert.equal(xmlAttr('a\u0001b\u0000c\uFFFEd'), 'a\uFFFDb\uFFFDc\uFFFDd');
  assert.equal(xmlAttr('x\ny\tz\r'), 'x&#10;y&#9;z&#13;');
  const hostile = `<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3"><file name="${xmlAttr('a\u0001&"<>')}"><error line="1" severity="error" message="${xmlAttr('m\u0002\n]]>')}" source="s"/></file></checkstyle>\n`;
  assert.equal(xmllint(hostile).status, 0);
  // The check can fail: an unknown severity, a missing message, and unescaped text are rejected.
  assert.notEqual(xmllint(r.out.replace('severity="warning"', 'severity="minor"')).status, 0);
  assert.notEqual(xmllint(r.out.replace(/ message="[^"]*"/, '')).status, 0);
  assert.notEqual(xmllint('<checkstyle version="4.3"><file name="a&b"/></checkstyle>').status, 0);
});

test('--fix --diff prints a patch that git applies to give exactly what --fix writes, and writes nothing', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-diff-'));
  const text = 'FROM alpine:3.20\nRUN wget http://example.com/a.tgz -O /a.tgz && tar xzf /a.tgz\n';
  fs.writeFileSync(path.join(d, 'Dockerfile'), text);
  const r = await run(['check', '--fix', '--diff', 'Dockerfile'], d);
  assert.equal(fs.readFileSync(path.join(d, 'Dockerfile'), 'utf8'), text, 'nothing written');
  assert.match(r.out, /^--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n@@ -1,2 \+1,2 @@\n/);
  assert.match(r.out, /^-RUN wget http:\/\/example\.com/m);
  assert.match(r.out, /^\+RUN wget https:\/\/example\.com/m);
  assert.match(r.err, /Dockerfile: 1 fix shown, not written/);
  assert.equal(r.code, 1, 'exit code as for check: the findings before the fixes');
  // The patch applies (git apply, no repository needed) and gives what --fix writes.
  fs.writeFileSync(path.join(d, 'fix.patch'), r.out);
  const g = spawnSync('git', ['apply', '--verbose', 'fix.patch'], { cwd: d, encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  const patched = fs.readFileSync(path.join(d, 'Dockerfile'), 'utf8');
  fs.writeFileSync(path.join(d, 'Dockerfile'), text);
  await run(['check', '--fix', 'Dockerfile'], d);
  assert.equal(patched, fs.readFileSync(path.join(d, 'Dockerfile'), 'utf8'));
  assert.notEqual(patched, text);
  // Nothing to fix: no output at all; --diff alone is a usage error.
  fs.writeFileSync(path.join(d, 'clean.Dockerfile'), `FROM alpine:3.20${D}\n`);
  assert.equal((await run(['check', '--fix', '--diff', 'clean.Dockerfile'], d)).out, '');
  assert.equal((await run(['check', '--diff', 'clean.Dockerfile'], d)).code, 2);
});

test('an unknown format is a usage error naming the formats', async () => {
  const r = await run(['check', '--format', 'junit', 'Dockerfile'], os.tmpdir());
  assert.equal(r.code, 2);
  assert.match(r.err, /text, json, sarif, github, gitlab, checkstyle/);
});
