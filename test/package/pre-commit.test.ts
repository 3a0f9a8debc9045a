// The pre-commit hook with the real pre-commit tool (Debian's) on a temporary git repository, using the CLI as a
// user installs it (the npm tarball, `npm install -g`, offline). Nothing goes over the network, at install or at
// commit time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from '../support/paths';
import { run, snapshotWorkingTree } from '../support/stage';

const D = '@sha256:' + 'a'.repeat(64);
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_CONFIG_NOSYSTEM: '1' };
const OFFLINE = { npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

function git(cwd: string, ...args: string[]): string {
  const r = run('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd, env: { ...process.env, ...GIT_ENV } });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

test('.pre-commit-hooks.yaml: the hook selects Dockerfiles by name and runs the check', () => {
  const hooks = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string }[];
  assert.deepEqual(hooks.map((h) => [h.id, h.language]), [['dockerfile-trust', 'system']]);
  const re = new RegExp(hooks[0]!.files);
  assert.match(hooks[0]!.entry, /^dockerfile-trust check /);
  for (const f of ['Dockerfile', 'a/b/Dockerfile', 'Dockerfile.prod', 'Dockerfile-dev', 'Containerfile', 'app.Dockerfile', 'x/app.dockerfile', 'build.containerfile']) assert.ok(re.test(f), `selects ${f}`);
  for (const f of ['README.md', 'dockerfiles/notes.txt', 'src/Dockerfile.ts/x.js', 'MyDockerfileNotes.md']) assert.ok(!re.test(f), `leaves ${f}`);
});

test('pre-commit with the npm-installed CLI: fails a commit with an unpinned image, passes a pinned one', { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-pre-commit-'));
  // The hook repository: this working tree as a commit (pre-commit clones it like any hook repository).
  const hookRepo = path.join(tmp, 'hooks');
  snapshotWorkingTree(hookRepo, { linkNodeModules: false });
  git(hookRepo, 'init', '-q');
  git(hookRepo, 'add', '-A');
  git(hookRepo, 'commit', '-q', '-m', 'snapshot');
  const rev = git(hookRepo, 'rev-parse', 'HEAD');

  // The CLI as a user installs it: the packed tarball, installed globally into a prefix of our own, offline.
  const stage = path.join(tmp, 'stage');
  snapshotWorkingTree(stage);
  const pack = run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: stage });
  assert.equal(pack.status, 0, pack.stderr);
  const tgz = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string }[])[0]!.filename;
  const prefix = path.join(tmp, 'global');
  const install = run('npm', ['install', '-g', '--prefix', prefix, path.join(tmp, tgz)], { cwd: tmp, env: { ...process.env, ...OFFLINE } });
  assert.equal(install.status, 0, install.stderr);
  assert.ok(fs.existsSync(path.join(prefix, 'bin', 'dockerfile-trust')));

  const project = path.join(tmp, 'project');
  fs.mkdirSync(path.join(project, 'svc'), { recursive: true });
  git(project, 'init', '-q');
  fs.writeFileSync(path.join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: dockerfile-trust\n`);
  fs.writeFileSync(path.join(project, 'svc', 'Dockerfile'), 'FROM node:22\n');
  fs.writeFileSync(path.join(project, 'notes.md'), 'FROM node:22 in prose is no Dockerfile\n');
  git(project, 'add', '-A');
  const env = { ...process.env, ...GIT_ENV, ...OFFLINE, PATH: `${path.join(prefix, 'bin')}:${process.env['PATH']}`, PRE_COMMIT_HOME: path.join(tmp, 'pre-commit-home'), NO_COLOR: '1' };

  const failing = run('pre-commit', ['run', '--all-files', '--color', 'never'], { cwd: project, env });
  assert.equal(failing.status, 1, `${failing.stdout}${failing.stderr}`);
  assert.match(failing.stdout, /Dockerfile Trust\.+Failed/);
  assert.match(failing.stdout, /svc\/Dockerfile/);
  assert.match(failing.stdout, /DT101 +FROM node:22 is not pinned/);
  assert.doesNotMatch(failing.stdout, /notes\.md/, 'only Dockerfiles are passed to the hook');

  // Pinned: a real commit through the installed git hook passes.
  fs.writeFileSync(path.join(project, 'svc', 'Dockerfile'), `FROM node:22${D}\n`);
  git(project, 'add', '-A');
  assert.equal(run('pre-commit', ['install'], { cwd: project, env }).status, 0);
  const commit = run('git', ['commit', '-q', '-m', 'pinned'], { cwd: project, env });
  assert.equal(commit.status, 0, `${commit.stdout}${commit.stderr}`);
  assert.match(commit.stdout + commit.stderr, /Dockerfile Trust\.+Passed/);

  // A commit that adds an unpinned image, or an image from a registry the project config does not allow, is refused.
  fs.writeFileSync(path.join(project, 'svc', 'Dockerfile.dev'), 'FROM alpine\n');
  fs.writeFileSync(path.join(project, 'Containerfile'), `FROM ghcr.io/acme/tool:1${D}\n`);
  fs.writeFileSync(path.join(project, '.dockerfile-trust.yaml'), 'allowedRegistries: [docker.io]\n');
  git(project, 'add', '-A');
  const refused = run('git', ['commit', '-q', '-m', 'unpinned'], { cwd: project, env });
  assert.equal(refused.status, 1, `${refused.stdout}${refused.stderr}`);
  assert.match(refused.stdout + refused.stderr, /DT102 +FROM alpine has no tag/);
  assert.match(refused.stdout + refused.stderr, /DT304 +FROM ghcr\.io\/acme\/tool:1@sha256:a+ comes from ghcr\.io/);
  assert.equal(git(project, 'rev-list', '--count', 'HEAD'), '1', 'the refused commit was not made');
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('without the CLI on PATH the hook says what is missing instead of passing', { timeout: 120_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-pre-commit-missing-'));
  const hookRepo = path.join(tmp, 'hooks');
  fs.mkdirSync(hookRepo);
  fs.copyFileSync(path.join(REPO_ROOT, '.pre-commit-hooks.yaml'), path.join(hookRepo, '.pre-commit-hooks.yaml'));
  git(hookRepo, 'init', '-q');
  git(hookRepo, 'add', '-A');
  git(hookRepo, 'commit', '-q', '-m', 'hooks');
  const rev = git(hookRepo, 'rev-parse', 'HEAD');
  const project = path.join(tmp, 'project');
  fs.mkdirSync(project);
  git(project, 'init', '-q');
  fs.writeFileSync(path.join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: dockerfile-trust\n`);
  fs.writeFileSync(path.join(project, 'Dockerfile'), 'FROM node:22\n');
  git(project, 'add', '-A');
  const pathWithout = (process.env['PATH'] ?? '').split(':').filter((d) => !fs.existsSync(path.join(d, 'dockerfile-trust'))).join(':');
  const r = run('pre-commit', ['run', '--all-files', '--color', 'never'], { cwd: project, env: { ...process.env, ...GIT_ENV, PATH: pathWithout, PRE_COMMIT_HOME: path.join(tmp, 'home') } });
  assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /Executable `dockerfile-trust` not found/);
  fs.rmSync(tmp, { recursive: true, force: true });
});
