// The npm package as a user gets it: `npm pack`, the tarball installed offline into an empty project, and
// `npx dockerfile-trust check` run there. Nothing but the self-contained CLI is installed: no dependencies at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';
import { run, snapshotWorkingTree } from '../support/stage';

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

test('package.json is publishable: not private, a bin, engines, no runtime dependencies', () => {
  assert.equal(manifest['private'], undefined);
  assert.deepEqual(manifest['bin'], { 'dockerfile-trust': './dist/cli.js' });
  assert.match(String((manifest['engines'] as Record<string, string>)['node']), /^>=20/);
  // Everything the bundles need is bundled at build time: a dependency would be installed for nothing.
  assert.equal(manifest['dependencies'], undefined, 'runtime code is bundled; list build inputs under devDependencies');
  assert.equal(manifest['optionalDependencies'], undefined);
  assert.equal(manifest['peerDependencies'], undefined);
  assert.equal(manifest['license'], 'MIT');
});

test('npm pack → offline install into an empty project → npx dockerfile-trust check works', { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-npm-'));
  const stage = path.join(tmp, 'stage');
  snapshotWorkingTree(stage);
  // npm pack runs `prepack` (the minified build) in the staged copy, never in the clone.
  const pack = run('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: stage, timeout: 240_000 });
  assert.equal(pack.status, 0, pack.stderr);
  const info = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string; size: number }[]; size: number }[])[0]!;
  const files = info.files.map((f) => f.path).sort();
  // The allow-list: the CLI, the pages its output points to, the CI entry points, and npm's own always-included files.
  assert.ok(files.includes('dist/cli.js'));
  const unexpected = files.filter((f) => !/^(dist\/cli\.js|docs\/rules\/[a-z0-9-]+\.md|docs\/(policy|project-config|ci)\.md|package\.json|README\.md|LICENSE|CHANGELOG\.md|action\.yml|\.pre-commit-hooks\.yaml)$/.test(f));
  assert.deepEqual(unexpected, [], 'only the allow-listed files are packed');
  for (const absent of ['dist/client.js', 'dist/server.js', 'dist/compose.js', 'server/src/cli/main.ts', 'test/unit/cli.test.ts']) assert.ok(!files.includes(absent), absent);
  console.log(`# npm package: ${files.length} files, ${info.size} bytes packed`);

  // The bundle requires nothing outside Node itself.
  const cliText = fs.readFileSync(path.join(stage, 'dist', 'cli.js'), 'utf8');
  assert.ok(cliText.startsWith('#!/usr/bin/env node\n'), 'bin has a shebang');
  const required = new Set([...cliText.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] as string));
  // node:sqlite is a built-in of newer Node versions, required lazily by undici's optional SQLite cache store (unused here).
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'node:sqlite']);
  assert.deepEqual([...required].filter((m) => !builtins.has(m)), [], 'the CLI bundle requires only Node built-ins');

  // An empty project, offline: npm may not reach the registry, and needs nothing from it.
  const project = path.join(tmp, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'empty-project', version: '1.0.0', private: true }));
  const env = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', NODE_PATH: '' };
  const install = run('npm', ['install', path.join(tmp, info.filename)], { cwd: project, env });
  assert.equal(install.status, 0, install.stderr);
  const installed = fs.readdirSync(path.join(project, 'node_modules')).filter((n) => !n.startsWith('.'));
  assert.deepEqual(installed, ['dockerfile-trust'], 'nothing but the package is installed');

  fs.writeFileSync(path.join(project, 'Dockerfile'), 'FROM node:22\nRUN curl -fsSL https://example.com/x.sh | sh\n');
  fs.writeFileSync(path.join(project, '.dockerfile-trust.yaml'), 'allowedRegistries: [registry.example.com]\n');
  const check = run('npx', ['dockerfile-trust', 'check', 'Dockerfile'], { cwd: project, env });
  assert.equal(check.status, 1, check.stderr);
  assert.match(check.stdout, /DT101 +FROM node:22 is not pinned/);
  assert.match(check.stdout, /DT202/);
  assert.match(check.stdout, /DT304 +FROM node:22 comes from docker\.io/, 'the project config is read (yaml is bundled)');
  const version = run('npx', ['dockerfile-trust', '--version'], { cwd: project, env });
  assert.equal(version.stdout.trim(), manifest['version']);
  const sarif = run('npx', ['dockerfile-trust', 'check', '--format', 'sarif', '--severity', 'error', '--no-config', 'Dockerfile'], { cwd: project, env });
  assert.equal(sarif.status, 0, sarif.stderr);
  assert.equal((JSON.parse(sarif.stdout) as { version: string }).version, '2.1.0');
  fs.rmSync(tmp, { recursive: true, force: true });
});
