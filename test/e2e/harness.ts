// End-to-end harness: packages the .vsix, runs an isolated code-server with it, and drives Debian Chromium via playwright-core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.22.3';
export const CHROMIUM = '/usr/bin/chromium';
export const REPO = resolve(__dirname, '..', '..');
export const RESULTS = join(REPO, 'test-results', 'e2e');

/** Where scripts/e2e/setup.sh installs the editor (same rule as the script). */
export function editorInstall(): { node: string; entry: string; dir: string } {
  const name = `code-server-${CODE_SERVER_VERSION}-node-${NODE24_VERSION}`;
  const roots = process.env['DFT_E2E_CACHE'] !== undefined
    ? [process.env['DFT_E2E_CACHE']]
    : ['/var/cache/dockerfile-trust-e2e', join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'dockerfile-trust-e2e')];
  const dir = roots.map((r) => join(r, name)).find((d) => existsSync(join(d, '.complete')));
  if (dir === undefined) {
    throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed in ${roots.join(' or ')}: run scripts/e2e/setup.sh first (needs apt packages chromium and libkrb5-dev)`);
  }
  const node = join(dir, 'node', 'bin', 'node');
  const entry = join(dir, 'app', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(node) || !existsSync(entry)) throw new Error(`${dir} is incomplete: delete it and run scripts/e2e/setup.sh again`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return { node, entry, dir };
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}

/** Names of the entries of a zip file, read from its central directory (a .vsix is a zip). */
export function zipEntries(zip: Buffer): string[] {
  // End of central directory: signature 0x06054b50, searched from the end (a comment may follow it).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    names.push(zip.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/**
 * Packages the extension as users get it: minified bundles, no node_modules. It builds into a staging folder
 * of its own (sources linked, manifest copied), so other suites rebuilding dist/ at the same time cannot change
 * what gets packaged.
 */
export function packageVsix(outDir: string): { file: string; size: number; entries: string[] } {
  const stage = join(outDir, 'stage');
  mkdirSync(stage, { recursive: true });
  for (const d of ['client', 'server', 'node_modules']) symlinkSync(join(REPO, d), join(stage, d));
  for (const f of ['package.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md']) {
    if (existsSync(join(REPO, f))) copyFileSync(join(REPO, f), join(stage, f));
  }
  cpSync(join(REPO, 'docs', 'rules'), join(stage, 'docs', 'rules'), { recursive: true });
  cpSync(join(REPO, 'images'), join(stage, 'images'), { recursive: true });
  const build = spawnSync(process.execPath, [join(REPO, 'scripts', 'build.mjs'), '--minify'], { cwd: stage, encoding: 'utf8', timeout: 180_000 });
  if (build.status !== 0) throw new Error(`minified build failed (${build.status}): ${build.stderr}${build.stdout}`);
  const file = join(outDir, 'dockerfile-trust.vsix');
  const vsce = join(REPO, 'node_modules', '.bin', 'vsce');
  const r = spawnSync(vsce, ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', file], {
    cwd: stage,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`vsce package failed (${r.status}): ${r.stderr}${r.stdout}`);
  return { file, size: statSync(file).size, entries: zipEntries(readFileSync(file)) };
}

export interface EditorOptions {
  /** Folder opened as the workspace. */
  readonly workspace: string;
  /** User (and machine) settings.json contents. */
  readonly settings: Record<string, unknown>;
  readonly vsix: string;
  /** Leave Workspace Trust on (the folder then opens in Restricted Mode until trusted). Default: off. */
  readonly workspaceTrust?: boolean;
  /** Extra environment for code-server and the extension host (e.g. DOCKER_CONFIG). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Editor {
  readonly page: Page;
  readonly url: string;
  readonly root: string;
  /** Saves test-results/e2e/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** code-server's log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
}

async function waitHttp(url: string, child: ChildProcess, log: () => string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}): ${log()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server at ${url} not ready after ${ms} ms: ${log()}`);
}

/** Starts an isolated code-server with the .vsix installed and a fresh Chromium on it. */
export async function startEditor(opts: EditorOptions): Promise<Editor> {
  const { node, entry } = editorInstall();
  const root = mkdtempSync(join(tmpdir(), 'dft-e2e-'));
  const home = join(root, 'home');
  const data = join(root, 'data');
  const exts = join(root, 'extensions');
  for (const d of [home, data, exts, join(root, 'tmp'), join(data, 'User'), join(data, 'Machine')]) mkdirSync(d, { recursive: true });
  const settings = JSON.stringify(opts.settings, null, 2);
  // Machine-scoped settings only count from user/machine settings, never from the workspace: write both places.
  writeFileSync(join(data, 'User', 'settings.json'), settings);
  writeFileSync(join(data, 'Machine', 'settings.json'), settings);
  const env: NodeJS.ProcessEnv = {
    PATH: `${join(node, '..')}:/usr/bin:/bin`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    TMPDIR: join(root, 'tmp'),
    LANG: 'C.UTF-8',
    // A dead loopback address: code-server must never reach a real extension gallery.
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item', resourceUrlTemplate: 'http://127.0.0.1:9/r' }),
    ...opts.env,
  };
  const common = ['--user-data-dir', data, '--extensions-dir', exts];
  run(node, [entry, ...common, '--install-extension', opts.vsix], env);

  const port = await freePort();
  // detached = setsid: the server and its extension host form one process group, stopped together.
  const child = spawn(
    node,
    [entry, ...common, '--auth', 'none', '--disable-telemetry', '--disable-update-check', ...(opts.workspaceTrust === true ? [] : ['--disable-workspace-trust']), '--bind-addr', `127.0.0.1:${port}`, opts.workspace],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const keep = (d: Buffer): void => void (out = (out + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  // The editor runs in its own session: if this process is interrupted, take the whole group down with it.
  const onSignal = (sig: NodeJS.Signals): void => {
    killGroup();
    process.kill(process.pid, sig);
  };
  process.once('exit', killGroup);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const url = `http://127.0.0.1:${port}`;
  let context: BrowserContext | undefined;
  try {
    await waitHttp(`${url}/healthz`, child, () => out, 30_000);
    context = await chromium.launchPersistentContext(join(root, 'chromium'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
      ],
    });
  } catch (e) {
    killGroup();
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${url}/?folder=${encodeURIComponent(opts.workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  mkdirSync(RESULTS, { recursive: true });
  const ctx = context;
  return {
    page,
    url,
    root,
    async screenshot(name: string) {
      const file = join(RESULTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    log: () => out,
    async stop() {
      await ctx.close().catch(() => undefined);
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((r) => child.once('exit', r));
        killGroup();
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is gone
        }
      }
      process.removeListener('exit', killGroup);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs a command from the command palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor();
  // Click the matching entry: Enter would run whichever entry the fuzzy ranking put first.
  await row.click();
}

/**
 * Opens a top-level workspace file from the Explorer and waits for its editor tab.
 * (Quick Open's file search does not answer in this code-server build, so the Explorer is the reliable path.)
 */
export async function openFile(page: Page, name: string): Promise<void> {
  const explorer = page.locator('.explorer-folders-view');
  await explorer.waitFor({ timeout: 60_000 });
  await explorer.locator('.monaco-list-row .label-name').getByText(name, { exact: true }).first().click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
}

/** Expands a view pane (e.g. in the Explorer) by its title if it is collapsed, and returns the pane. */
export async function expandPane(page: Page, title: string): Promise<Locator> {
  const header = page.locator('.pane-header', { hasText: title }).first();
  await header.waitFor({ timeout: 60_000 });
  if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
  await page.locator('.pane-header[aria-expanded="true"]', { hasText: title }).first().waitFor();
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) });
}

/** Waits until a locator matches at least `min` elements (a condition, polled; never a fixed sleep). */
export async function waitForCount(locator: Locator, min: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = 0;
  while (Date.now() < deadline) {
    n = await locator.count();
    if (n >= min) return n;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected at least ${min} of ${locator.toString()}, saw ${n} after ${timeoutMs} ms`);
}

/** Waits until a locator matches nothing (e.g. a Problems row that a fix removed). */
export async function waitForNone(locator: Locator, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let n = 0;
  while (Date.now() < deadline) {
    n = await locator.count();
    if (n === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`still ${n} of ${locator.toString()} after ${timeoutMs} ms`);
}

/** Puts the cursor at a 1-based line and column of the active editor (Go to Line/Column). */
export async function goTo(page: Page, line: number, column: number): Promise<void> {
  await runCommand(page, 'Go to Line/Column');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`:${line}:${column}`);
  await input.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/**
 * Runs `open` (a key press, a command) until `target` shows, at most `attempts` times. A key press or command that
 * lands while the editor is still taking focus back (after a tab switch, Go to Line, the command palette) opens
 * nothing; it is tried again then, so the step fails only when `target` really does not come.
 */
export async function openUntil(page: Page, open: () => Promise<void>, target: Locator, timeoutMs = 30_000, attempts = 3): Promise<Locator> {
  for (let i = 1; ; i++) {
    await open();
    try {
      await target.waitFor({ timeout: i < attempts ? Math.min(8_000, timeoutMs) : timeoutMs });
      return target;
    } catch (err) {
      if (i >= attempts) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

/** Opens the quick-fix menu (Ctrl+.) until an action matching `hasText` is in it (see openUntil). */
export async function quickFixMenu(page: Page, hasText: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
  const action = page.locator('.action-widget .monaco-list-row.action', { hasText }).first();
  return openUntil(page, () => page.keyboard.press('Control+.'), action, timeoutMs);
}
