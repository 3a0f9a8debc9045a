// Marketplace and Open VSX readiness: the .vsix holds exactly what the extension loads (no CLI bundle, no source
// maps), `vsce ls` agrees, every bundle another bundle requires is inside, the README's relative links become
// absolute, and the manifest passes the checks the Marketplace (vsce) and Open VSX (ovsx publish) make.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { REPO_ROOT } from '../support/paths';
import { run, snapshotWorkingTree } from '../support/stage';

interface ZipEntry {
  readonly name: string;
  readonly data: () => Buffer;
}

/** The entries of a zip (a .vsix), from its central directory. */
function readZip(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'a zip file');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    const method = zip.readUInt16LE(p + 10);
    const size = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    out.push({
      name,
      data: () => {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const raw = zip.subarray(start, start + size);
        return method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
      },
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
const RULE_DOCS = fs.readdirSync(path.join(REPO_ROOT, 'docs', 'rules')).map((f) => `docs/rules/${f}`);
const EXPECTED = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'images/icon.png', 'dist/client.js', 'dist/server.js', 'dist/compose.js', ...RULE_DOCS].sort();

function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  assert.equal(b.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file} is a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test('Open VSX / Marketplace manifest checks (what ovsx publish and vsce refuse or warn about)', () => {
  const m = manifest as {
    name: string; publisher: string; version: string; displayName: string; description: string; license: string; icon: string;
    engines: { vscode: string }; repository: { url: string }; categories: string[]; keywords: string[]; galleryBanner: { color: string; theme: string };
    capabilities: { untrustedWorkspaces: { supported: unknown; description: string } }; main: string;
  };
  const problems: string[] = [];
  const need = (ok: boolean, what: string): void => void (ok || problems.push(what));
  // ovsx: namespace (publisher) and name as Open VSX accepts them; a semantic version; an engine range.
  need(/^[a-z0-9][a-z0-9-]*$/i.test(m.publisher), 'publisher: letters, digits and dashes');
  need(/^[a-z0-9][a-z0-9-]*$/.test(m.name), 'name: lower-case letters, digits and dashes');
  need(/^\d+\.\d+\.\d+$/.test(m.version), 'version: x.y.z (pre-releases need --pre-release)');
  need(/^\^?\d+\.\d+\.\d+$/.test(m.engines.vscode), 'engines.vscode: a version range');
  // ovsx refuses to publish without a license, unless told to skip the check.
  need(m.license === 'MIT' && fs.existsSync(path.join(REPO_ROOT, 'LICENSE')), 'license and a LICENSE file');
  need(/^https:\/\/github\.com\/[^/]+\/[^/]+\.git$/.test(m.repository?.url ?? ''), 'repository.url: an https git URL (the Marketplace links it; vsce rewrites README links with it)');
  need(typeof m.displayName === 'string' && m.displayName.length > 0 && m.displayName.length <= 50, 'displayName');
  need(typeof m.description === 'string' && m.description.length >= 20, 'description');
  // Icon: a PNG (the Marketplace refuses SVG icons) of at least 128×128, inside the package.
  need(m.icon.endsWith('.png') && fs.existsSync(path.join(REPO_ROOT, m.icon)), 'icon: a PNG file');
  if (fs.existsSync(path.join(REPO_ROOT, m.icon))) {
    const { width, height } = pngSize(path.join(REPO_ROOT, m.icon));
    need(width >= 128 && height >= 128 && width === height, `icon: square and at least 128 px (is ${width}×${height})`);
  }
  const CATEGORIES = ['Azure', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps', 'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Programming Languages', 'SCM Providers', 'Snippets', 'Testing', 'Themes', 'Visualization', 'AI', 'Chat', 'Other'];
  need(m.categories.length > 0 && m.categories.every((c) => CATEGORIES.includes(c)), 'categories from the Marketplace list');
  need(m.keywords.length > 0 && m.keywords.length <= 30 && new Set(m.keywords).size === m.keywords.length, 'keywords: 1–30, unique');
  need(/^#[0-9a-f]{6}$/i.test(m.galleryBanner.color) && ['dark', 'light'].includes(m.galleryBanner.theme), 'galleryBanner');
  need(m.capabilities.untrustedWorkspaces.supported === 'limited' && m.capabilities.untrustedWorkspaces.description.length > 20, 'untrustedWorkspaces: limited, with a description');
  need(m.main === './dist/client.js', 'main is the client bundle');
  assert.deepEqual(problems, []);
});

test('vsce ls and the packaged .vsix hold exactly what the extension needs; nothing a bundle requires is missing', { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-vsix-'));
  const stage = path.join(tmp, 'stage');
  snapshotWorkingTree(stage);
  const build = run(process.execPath, ['scripts/build.mjs', '--minify'], { cwd: stage });
  assert.equal(build.status, 0, build.stderr);
  // What `npx @vscode/vsce ls` lists (the local vsce: offline).
  const ls = run('npx', ['--no-install', '@vscode/vsce', 'ls', '--no-dependencies'], { cwd: stage });
  assert.equal(ls.status, 0, ls.stderr);
  const listed = ls.stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '').sort();
  assert.deepEqual(listed, EXPECTED);

  // Every relative require in a shipped bundle names a shipped file (a lazily loaded bundle cannot be forgotten).
  for (const b of ['dist/client.js', 'dist/server.js', 'dist/compose.js']) {
    const text = fs.readFileSync(path.join(stage, b), 'utf8');
    for (const m of text.matchAll(/\brequire\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(b), m[1] as string));
      const file = target.endsWith('.js') ? target : `${target}.js`;
      assert.ok(listed.includes(file), `${b} requires ${m[1]} → ${file}, which is not in the .vsix`);
    }
  }
  // The server links diagnostics to docs/rules/<id>.md next to dist/: every rule page ships.
  assert.ok(RULE_DOCS.length >= 21);

  // The .vsix itself (vsce package, as `npm run package` does): the same files, README links made absolute.
  const vsix = path.join(tmp, 'x.vsix');
  const pack = run('npx', ['--no-install', '@vscode/vsce', 'package', '--no-dependencies', '-o', vsix], { cwd: stage });
  assert.equal(pack.status, 0, `${pack.stdout}${pack.stderr}`);
  const entries = readZip(fs.readFileSync(vsix));
  const names = entries.map((e) => e.name);
  const files = names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
  // vsce stores LICENSE as LICENSE.txt and the README and changelog in lower case.
  const RENAMED: Record<string, string> = { 'LICENSE.txt': 'LICENSE', 'readme.md': 'README.md', 'changelog.md': 'CHANGELOG.md' };
  assert.deepEqual(files.map((f) => RENAMED[f] ?? f).sort(), EXPECTED);
  assert.ok(!files.includes('dist/cli.js') && !files.some((f) => f.endsWith('.map')));
  const size = fs.statSync(vsix).size;
  console.log(`# .vsix: ${files.length} files, ${size} bytes`);
  const vsixManifest = entries.find((e) => e.name === 'extension.vsixmanifest')!.data().toString('utf8');
  assert.match(vsixManifest, /<Icon>extension\/images\/icon\.png<\/Icon>/);
  assert.match(vsixManifest, /Microsoft\.VisualStudio\.Services\.Links\.Source" Value="https:\/\/github\.com\/dockerfile-trust\/dockerfile-trust\.git"/);
  assert.match(vsixManifest, /Microsoft\.VisualStudio\.Services\.Branding\.Color" Value="#1c3f8f"/);
  assert.match(vsixManifest, /<Tags>[^<]*sigstore[^<]*<\/Tags>/);
  // On the Marketplace page the README's relative links and pictures must still work: vsce made them absolute.
  const readme = entries.find((e) => e.name === 'extension/readme.md')!.data().toString('utf8');
  const relative = [...readme.matchAll(/\]\((?!https?:\/\/|#)([^)]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(relative, [], 'no relative links left in the packaged README');
  assert.match(readme, /!\[Problems\]\(https:\/\/github\.com\/dockerfile-trust\/dockerfile-trust\/raw\/HEAD\/docs\/screenshots\/01-problems\.png\)/);
  fs.rmSync(tmp, { recursive: true, force: true });
});
