// The project config (.dockerfile-trust.yaml): parsing, what it may not set, the upward search, and its effect in the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';
import { ProjectConfigLoader } from '../../server/src/config/loader';
import { parseProjectConfig, withProjectConfig } from '../../server/src/config/projectConfig';
import { ruleConfigOf } from '../../server/src/config/ruleConfig';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../server/src/protocol';

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

test('parse: severities by id or code, ignore lists, build args, allowed registries', () => {
  const r = parseProjectConfig(
    ['rules:', '  base-image-latest: error', '  DT203: off', '  dt201: info', 'ignore: [git-ref-unpinned, DT206]', 'buildArgs:', '  NODE_VERSION: 22', '  FLAG: true', 'allowedRegistries:', '  - Registry.Example.com:443', '  - docker.io', ''].join('\n'),
    '/p/.dockerfile-trust.yaml',
  );
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.config.rules, { 'base-image-latest': 'error', 'download-insecure-transport': 'off', 'download-unverified': 'information', 'git-ref-unpinned': 'off', 'add-url-unverified': 'off' });
  assert.deepEqual(r.config.buildArgs, { NODE_VERSION: '22', FLAG: 'true' });
  assert.deepEqual(r.config.allowedRegistries, ['registry.example.com:443', 'docker.io']);
  assert.deepEqual(r.config.warnings, []);
  // Rules compare canonical names.
  const s = withProjectConfig(DEFAULT_SETTINGS.analysis, r.config);
  assert.deepEqual(ruleConfigOf(s).allowedRegistries, ['registry.example.com', 'docker.io']);
  assert.equal(ruleConfigOf(s), ruleConfigOf(s), 'one rule config per settings object (incremental reuse)');
  // An empty file is no settings; hadolint's trustedRegistries name is accepted.
  const empty = parseProjectConfig('', 'f');
  assert.ok(empty.ok && empty.config.allowedRegistries === null && Object.keys(empty.config.rules).length === 0);
  const h = parseProjectConfig('trustedRegistries: [ghcr.io]\n', 'f');
  assert.ok(h.ok && h.config.allowedRegistries?.[0] === 'ghcr.io');
});

test('parse: mistakes are errors naming the file and the key; YAML syntax errors too', () => {
  const cases: [string, RegExp][] = [
    ['rules:\n  no-such-rule: error\n', /unknown rule "no-such-rule"/],
    ['rules:\n  base-image-latest: loud\n', /"loud" is not error, warning/],
    ['ignore: base-image-latest\n', /"ignore" must be a list/],
    ['allowedRegistry: [docker.io]\n', /unknown setting "allowedRegistry"/],
    ['allowedRegistries: docker.io\n', /must be a list of registry hosts/],
    ['buildArgs:\n  "1BAD": x\n', /"1BAD" is not an ARG name/],
    ['rules: [a\n', /f: /],
    ['a: 1\na: 2\n', /f: /],
    ['- just\n- a list\n', /expected a mapping/],
  ];
  for (const [text, re] of cases) {
    const r = parseProjectConfig(text, 'f');
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.errors.join('\n'), re, text);
  }
  // Aliases cannot blow up (billion laughs): refused, not expanded.
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join('\n');
  const b = parseProjectConfig(bomb, 'f');
  assert.equal(b.ok, false);
  assert.equal(parseProjectConfig('x'.repeat(70_000), 'f').ok, false);
});

test('trust settings cannot be set from the project file: ignored with a warning, the machine\'s settings untouched', () => {
  const r = parseProjectConfig(
    ['policy: /tmp/evil.json', 'notaryServers: { docker.io: "http://evil" }', 'registries: { evil.example: { insecureHttp: true } }', 'offline: true', 'credHelpers: { docker.io: evil }', 'proxy: http://evil:3128', 'rules: { base-image-latest: off }'].join('\n'),
    '/repo/.dockerfile-trust.yaml',
  );
  assert.ok(r.ok);
  assert.equal(r.config.warnings.length, 6);
  for (const w of r.config.warnings) assert.match(w, /is ignored: .* machine-scoped/);
  const machine = normalizeSettings({ trust: { policyFile: '/etc/policy.json' }, notary: { servers: { 'docker.io': 'https://notary.example' } }, registries: { 'r.example': { caFile: '/ca.pem' } } });
  // The project config reaches analysis settings only: machine settings are out of its reach by type.
  const merged = withProjectConfig(machine.analysis, r.config);
  assert.deepEqual(Object.keys(merged).sort(), Object.keys(machine.analysis).sort());
  assert.equal(merged.rules['base-image-latest'], 'off');
  // Explicit settings (editor settings, CLI flags) win key by key.
  const flags = normalizeSettings({ rules: { 'base-image-latest': 'error' }, buildArgs: { A: '1' } });
  const both = withProjectConfig(flags.analysis, { ...r.config, buildArgs: { A: '2', B: '3' } });
  assert.equal(both.rules['base-image-latest'], 'error');
  assert.deepEqual(both.buildArgs, { A: '1', B: '3' });
});

test('upward search: nearest file wins, stops at the repository root, re-read after invalidate()', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-cfg-'));
  fs.writeFileSync(path.join(root, '.dockerfile-trust.yaml'), 'rules: { base-image-latest: off }\n');
  const repo = path.join(root, 'repo');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'svc', 'api'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'other'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'svc', '.dockerfile-trust.yml'), 'allowedRegistries: [ghcr.io]\n');
  const loader = new ProjectConfigLoader();
  const api = loader.forFile(path.join(repo, 'svc', 'api', 'Dockerfile'));
  assert.ok(api.kind === 'file' && api.ok && api.path === path.join(repo, 'svc', '.dockerfile-trust.yml'));
  // Above the repository root is another project: not searched.
  assert.equal(loader.forFile(path.join(repo, 'other', 'Dockerfile')).kind, 'none');
  // Outside a repository the search goes up to the file system root.
  const outside = loader.forFile(path.join(root, 'x', 'Dockerfile'));
  assert.ok(outside.kind === 'file' && outside.path === path.join(root, '.dockerfile-trust.yaml'));
  fs.writeFileSync(path.join(repo, 'other', '.dockerfile-trust.yaml'), 'ignore: [DT101]\n');
  assert.equal(loader.forFile(path.join(repo, 'other', 'Dockerfile')).kind, 'none', 'cached until invalidated');
  loader.invalidate();
  const other = loader.forFile(path.join(repo, 'other', 'Dockerfile'));
  assert.ok(other.kind === 'file' && other.ok && other.config.rules['base-image-unpinned'] === 'off');
});

test('CLI: each file gets its nearest config; flags win; broken configs exit 2; --config and --no-config', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-cfg-cli-'));
  fs.mkdirSync(path.join(d, '.git'));
  fs.mkdirSync(path.join(d, 'team'));
  fs.writeFileSync(path.join(d, '.dockerfile-trust.yaml'), 'allowedRegistries: [registry.example.com]\nignore: [base-image-unpinned]\nbuildArgs: { BASE: "ghcr.io/acme/base:1" }\n');
  fs.writeFileSync(path.join(d, 'team', '.dockerfile-trust.yaml'), 'rules: { base-image-unpinned: error }\n');
  fs.writeFileSync(path.join(d, 'Dockerfile'), 'ARG BASE=registry.example.com/base:1\nFROM $BASE\nFROM index.docker.io/library/alpine:3.20\nFROM Registry.Example.com:443/app:2\n');
  fs.writeFileSync(path.join(d, 'team', 'Dockerfile'), 'FROM node:22\n');

  const top = await run(['check', '--format', 'json', 'Dockerfile'], d);
  const findings = (JSON.parse(top.out) as { files: { findings: { ruleId: string; line: number; message: string }[] }[] }).files[0]!.findings;
  // The build arg from the config resolves BASE to ghcr.io, which is not allowed; docker.io (by alias) is not allowed either.
  assert.deepEqual(findings.filter((f) => f.ruleId === 'registry-not-allowed').map((f) => f.line), [2, 3]);
  assert.match(findings[0]!.message, /ghcr\.io/);
  assert.equal(findings.filter((f) => f.ruleId === 'base-image-unpinned').length, 0, 'ignored by the config');
  assert.equal(top.code, 1);

  // The nearer config replaces the upper one for its tree (nearest file wins, no merging of files).
  const team = await run(['check', '--format', 'json', 'team/Dockerfile'], d);
  assert.equal((JSON.parse(team.out) as { files: { findings: { severity: string; ruleId: string }[] }[] }).files[0]!.findings.find((f) => f.ruleId === 'base-image-unpinned')?.severity, 'error');

  // Flags win over the file.
  const flags = await run(['check', '--format', 'json', '--rule', 'registry-not-allowed=off', '--build-arg', 'BASE=registry.example.com/x:1', 'Dockerfile'], d);
  assert.equal((JSON.parse(flags.out) as { files: { findings: { ruleId: string }[] }[] }).files[0]!.findings.filter((f) => f.ruleId === 'registry-not-allowed').length, 0);

  // --no-config: none of it applies; --config: one file for every path.
  const none = await run(['check', '--format', 'json', '--no-config', 'Dockerfile'], d);
  assert.ok((JSON.parse(none.out) as { files: { findings: { ruleId: string }[] }[] }).files[0]!.findings.every((f) => f.ruleId !== 'registry-not-allowed'));
  fs.writeFileSync(path.join(d, 'strict.yaml'), 'allowedRegistries: []\n');
  const strict = await run(['check', '--format', 'json', '--config', 'strict.yaml', 'team/Dockerfile'], d);
  assert.equal((JSON.parse(strict.out) as { files: { findings: { ruleId: string }[] }[] }).files[0]!.findings.filter((f) => f.ruleId === 'registry-not-allowed').length, 1);

  // A broken config: the error names the file, its Dockerfiles are not checked with wrong settings, exit 2.
  fs.writeFileSync(path.join(d, 'team', '.dockerfile-trust.yaml'), 'rules: { base-image-unpinned: loud }\n');
  const broken = await run(['check', 'team/Dockerfile'], d);
  assert.equal(broken.code, 2);
  assert.match(broken.err, /team\/\.dockerfile-trust\.yaml: rules: base-image-unpinned: "loud"/);
  // A machine-scoped key: a warning, and the run goes on.
  fs.writeFileSync(path.join(d, 'team', '.dockerfile-trust.yaml'), 'policy: /evil.json\n');
  const warned = await run(['check', 'team/Dockerfile'], d);
  assert.equal(warned.code, 1);
  assert.match(warned.err, /warning: team\/\.dockerfile-trust\.yaml: "policy" is ignored/);
});
