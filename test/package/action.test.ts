// The GitHub Action as a runner executes it: action.yml validated against the action schema (action-validator,
// SchemaStore's github-action schema), its composite step run with a GITHUB_* environment, and what it leaves
// behind checked: the SARIF file (SARIF 2.1.0 schema), the Markdown job summary, annotations, outputs, exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import YAML from 'yaml';
import { validateAction } from '@action-validator/core';
import { freshBundle } from '../support/build';
import { REPO_ROOT } from '../support/paths';

interface Step {
  readonly id?: string;
  readonly shell: string;
  readonly env: Record<string, string>;
  readonly run: string;
}
interface Action {
  readonly inputs: Record<string, { default?: string }>;
  readonly runs: { using: string; steps: Step[] };
}

const ACTION_TEXT = fs.readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8');
const ACTION = YAML.parse(ACTION_TEXT) as Action;

/** Evaluates the `${{ inputs.x }}` and `${{ github.action_path }}` expressions the step uses; anything else is a test failure. */
function expand(s: string, inputs: Record<string, string>): string {
  return s.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    const i = /^inputs\.([A-Za-z0-9_-]+)$/.exec(expr);
    if (i !== null) {
      const name = i[1] as string;
      assert.ok(name in ACTION.inputs, `action.yml uses an undeclared input ${name}`);
      return inputs[name] ?? ACTION.inputs[name]?.default ?? '';
    }
    if (expr === 'github.action_path') return REPO_ROOT;
    throw new Error(`unsupported expression in action.yml: ${expr}`);
  });
}

function runAction(workspace: string, inputs: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string; summary: string; outputs: Record<string, string> } {
  freshBundle('cli.js');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-action-runner-'));
  const summaryFile = path.join(tmp, 'step_summary.md');
  const outputFile = path.join(tmp, 'output.txt');
  fs.writeFileSync(summaryFile, '');
  fs.writeFileSync(outputFile, '');
  assert.equal(ACTION.runs.using, 'composite');
  let last: ReturnType<typeof spawnSync> | undefined;
  for (const step of ACTION.runs.steps) {
    assert.equal(step.shell, 'bash');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: tmp,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      GITHUB_ACTION_PATH: REPO_ROOT,
      RUNNER_TEMP: tmp,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(String(v), inputs);
    const script = path.join(tmp, `step-${step.id ?? 'x'}.sh`);
    fs.writeFileSync(script, expand(step.run, inputs));
    // As the runner starts a composite bash step.
    last = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env, encoding: 'utf8', timeout: 60_000 });
  }
  const outputs: Record<string, string> = {};
  for (const line of fs.readFileSync(outputFile, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return { code: last!.status, stdout: String(last!.stdout), stderr: String(last!.stderr), summary: fs.readFileSync(summaryFile, 'utf8'), outputs };
}

function workspace(files: Record<string, string>): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-action-ws-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, f)), { recursive: true });
    fs.writeFileSync(path.join(d, f), text);
  }
  return d;
}

test('action.yml validates against the GitHub Action schema; the check can fail', () => {
  const r = validateAction(ACTION_TEXT);
  assert.deepEqual(r.errors, [], JSON.stringify(r.errors, null, 2));
  assert.ok(validateAction(ACTION_TEXT.replace('using: composite', 'using: node99')).errors.length > 0);
  assert.ok(validateAction(ACTION_TEXT.replace(/^description:.*$/m, '')).errors.length > 0);
  // Every input the issue names is there, and every input reaches the step.
  for (const i of ['paths', 'severity', 'policy', 'network', 'format', 'sarif-file']) assert.ok(i in ACTION.inputs, i);
  const env = JSON.stringify(ACTION.runs.steps[0]?.env);
  for (const i of Object.keys(ACTION.inputs)) assert.ok(env.includes(`inputs.${i} }}`), `input ${i} is passed to the step`);
});

test('findings: SARIF for upload-sarif, annotations, a job summary with hostile text escaped, outputs, exit 1', () => {
  const ws = workspace({
    'Dockerfile': 'FROM node:22\nRUN curl -fsSL https://example.com/x.sh | sh\n',
    // A file whose contents try to inject Markdown, HTML and a workflow command.
    'svc/Dockerfile': 'ARG IMG="[x](https://evil.example)<img src=x>|cell"\nFROM ubuntu:24.04\n',
    'svc/app.Dockerfile': 'FROM alpine\n',
    'README.md': 'not a Dockerfile\n',
  });
  const r = runAction(ws);
  assert.equal(r.code, 1, r.stderr);
  // The SARIF file validates against the 2.1.0 schema and has the findings with workspace-relative paths.
  const sarifPath = path.join(ws, 'dockerfile-trust.sarif');
  const sarif = JSON.parse(fs.readFileSync(sarifPath, 'utf8')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
  const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
  assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
  const uris = new Set(sarif.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri));
  assert.deepEqual([...uris].sort(), ['Dockerfile', 'svc/Dockerfile', 'svc/app.Dockerfile']);
  // Annotations: one workflow command per finding on stdout (after the log output).
  const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
  assert.equal(annotations.length, sarif.runs[0]!.results.length);
  assert.ok(annotations.some((l) => l.startsWith('::warning title=DT101 base-image-unpinned,file=Dockerfile,line=1,')), r.stdout);
  assert.ok(annotations.some((l) => l.startsWith('::warning title=DT202 download-piped-to-shell,file=Dockerfile,line=2,')), r.stdout);
  // The log (format: text) is there too.
  assert.match(r.stdout, /problems? \(\d+ errors?, \d+ warnings?, \d+ info\) in 3 files/);
  // The job summary.
  assert.match(r.summary, /^## Dockerfile Trust\n/);
  assert.match(r.summary, /❌ \*\*\d+\*\* findings in 3 Dockerfiles; \*\*\d+\*\* at or above `warning`/);
  assert.match(r.summary, /\| 🟠 warning \| Dockerfile:1 \| DT101 base\\-image\\-unpinned \| FROM node\\:22 is not pinned/);
  // Outputs.
  assert.equal(r.outputs['sarif-file'], 'dockerfile-trust.sarif');
  assert.equal(Number(r.outputs['findings']), sarif.runs[0]!.results.length);
  assert.ok(Number(r.outputs['failing']) >= 3);
});

test('summary escaping: text from a Dockerfile cannot make links, images, HTML or table cells', () => {
  const ws = workspace({ 'Dockerfile': 'FROM [x](https://evil.example)<b>|y`z*_#:latest\n' });
  const r = runAction(ws, { severity: 'error' });
  const rows = r.summary.split('\n').filter((l) => l.startsWith('| '));
  const finding = rows.find((l) => l.includes('evil'));
  assert.ok(finding, r.summary);
  assert.ok(!/\]\(https/.test(finding!), finding);
  assert.ok(!/<b>/.test(finding!), finding);
  // Exactly four cells: the pipe from the file is escaped.
  assert.equal(finding!.replace(/\\\|/g, '').split('|').length - 2, 4, finding);
});

test('clean files: exit 0 and a short summary; severity input decides the exit code; bad inputs exit 2', () => {
  const D = '@sha256:' + 'a'.repeat(64);
  const cleanWs = workspace({ 'Dockerfile': `FROM alpine:3.20${D}\n` });
  const clean = runAction(cleanWs, { 'sarif-file': 'reports/dt.sarif', annotations: 'false' });
  assert.ok(fs.existsSync(path.join(cleanWs, 'reports', 'dt.sarif')), 'the SARIF file is written where the input says, folders made');
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.summary, /✅ No problems in 1 Dockerfile\./);
  assert.equal(clean.outputs['sarif-file'], 'reports/dt.sarif');
  assert.equal(clean.stdout.split('\n').filter((l) => l.startsWith('::')).length, 0, 'annotations: false');

  const warnOnly = runAction(workspace({ 'Dockerfile': 'FROM node:22\n' }), { severity: 'error', summary: 'false' });
  assert.equal(warnOnly.code, 0, 'warnings below the error threshold pass');
  assert.equal(warnOnly.summary, '', 'summary: false');
  assert.equal(warnOnly.outputs['failing'], '0');

  const bad = runAction(workspace({ 'Dockerfile': 'FROM node:22\n' }), { severity: 'loud' });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--severity must be/);
  const none = runAction(workspace({ 'README.md': 'x' }));
  assert.equal(none.code, 2, 'no Dockerfile matched: an error, not a silent pass');
  assert.match(none.stderr, /no files match/);
});
