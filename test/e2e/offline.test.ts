// An offline day in a real VS Code (code-server + Chromium, the packaged .vsix): "Docker Hub" is a loopback proxy
// (test/support/fakeHub.ts) that serves registry-1.docker.io from a real docker-registry and records every request,
// refusing everything while the machine is "on a plane". The journey: what the Problems panel and the status say
// offline, the pin fix disabled with its reason, the rule page rendered, ignoring a finding, nothing sent while
// typing, working from the cache, and back online one lookup for a reference typed one character at a time.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startFakeHub, HUB_HOST, type FakeHub } from '../support/fakeHub';
import { editorInstall, goTo, openFile, openUntil, packageVsix, quickFixMenu, REPO, runCommand, startEditor, waitForCount, waitForNone, type Editor } from './harness';

/** Its own folder: the other editor suite empties test-results/e2e when it starts. */
const RESULTS = join(REPO, 'test-results', 'e2e-offline');

const DOCKERFILE = [
  '# syntax=docker/dockerfile:1.7',
  'ARG BASE',
  'FROM node:20 AS build',
  'RUN npm ci',
  'FROM node:20 AS test',
  'FROM alpine:3.20',
  'COPY --from=node:20 /usr/local/bin/node /usr/local/bin/node',
  'RUN curl -fsSL https://get.example.com/install.sh | bash -s -- -y',
  'FROM ${BASE}',
  '',
].join('\n');

describe('an offline day in the editor (code-server + Chromium)', { timeout: 600_000 }, () => {
  let hub: FakeHub | undefined;
  let editor: Editor | undefined;
  let work: string;

  before(async () => {
    editorInstall();
    rmSync(RESULTS, { recursive: true, force: true });
    mkdirSync(RESULTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'dft-e2e-offline-'));
    const vsix = packageVsix(work);
    hub = await startFakeHub();
    for (const [repo, tag] of [['library/node', '20'], ['library/alpine', '3.20'], ['library/ubuntu', '24.04'], ['library/debian', '12'], ['docker/dockerfile', '1.7']] as const) {
      await hub.registry.pushImage(repo, tag, { kind: 'oci-index', seed: `${repo}:${tag}` });
    }
    hub.offline = true;
    const ws = join(work, 'workspace');
    for (const d of ['api', 'web', 'worker']) {
      mkdirSync(join(ws, d), { recursive: true });
      writeFileSync(join(ws, d, 'Dockerfile'), `FROM node:20\nRUN echo ${d}\n`);
    }
    writeFileSync(join(ws, 'Dockerfile'), DOCKERFILE);
    const docker = join(work, 'docker');
    mkdirSync(docker);
    editor = await startEditor({
      workspace: ws,
      vsix: vsix.file,
      // The machine's proxy is the loopback "Docker Hub"; nothing else is reachable, as on a locked-down laptop.
      env: { HTTPS_PROXY: hub.proxyUrl, HTTP_PROXY: hub.proxyUrl, NO_PROXY: '127.0.0.1,localhost', DOCKER_CONFIG: docker },
      settings: {
        'dockerfileTrust.registries': { 'docker.io': { caFile: hub.caFile } },
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
        'security.workspace.trust.enabled': false,
        'editor.hover.delay': 200,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'chat.disableAIFeatures': true,
        'markdown.preview.doubleClickToSwitchToEditor': false,
        'workbench.editor.enablePreview': false,
      },
    });
  });

  let step = 0;
  let passed = 0;
  let declared = 0;
  const it = (name: string, body: () => Promise<void>): void => {
    declared++;
    test(name, async () => {
      await body();
      passed++;
    });
  };
  const shot = async (name: string): Promise<void> => void (await editor!.page.screenshot({ path: join(RESULTS, `${name}.png`) }));
  afterEach(async () => {
    step++;
    mkdirSync(join(RESULTS, 'after-step'), { recursive: true });
    await editor?.page.screenshot({ path: join(RESULTS, 'after-step', `${step}.png`) }).catch(() => undefined);
    // A menu or hover a failed step left open must not block the next one.
    await editor?.page.keyboard.press('Escape').catch(() => undefined);
  });
  after(async () => {
    await editor?.stop();
    await hub?.stop();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
    writeFileSync(join(RESULTS, 'run.json'), JSON.stringify({ passed, declared, complete: passed === declared, at: new Date().toISOString() }));
  });

  /** Opens the language status hover and waits for `text` in it (the status follows lookups). */
  async function statusShows(page: Page, text: string | RegExp, ms = 90_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      // A fresh hover each time: one left open would show the state it was opened with (and a click would close it).
      if ((await page.locator('.monaco-hover:not(.hidden)').count()) > 0) await page.keyboard.press('Escape');
      await page.locator('[id="status.languageStatus"]').click();
      try {
        await page.locator('.monaco-hover:not(.hidden)', { hasText: text }).first().waitFor({ timeout: 3_000 });
        return;
      } catch (e) {
        const seen = (await page.locator('.monaco-hover:not(.hidden)').allTextContents()).join(' | ');
        await page.keyboard.press('Escape');
        if (Date.now() > deadline) throw new Error(`the status never showed ${String(text)}; last seen: ${seen}`, { cause: e });
      }
    }
  }

  const problemRows = (page: Page) => page.locator('.markers-panel .monaco-list-row');

  it('offline: the Problems panel lists what is wrong in the file, nothing per image about the network; one status says Offline, with Retry, Work offline and Show output', async () => {
    const page = editor!.page;
    await openFile(page, 'Dockerfile');
    await runCommand(page, 'View: Focus Problems');
    await waitForCount(problemRows(page).filter({ hasText: 'not pinned' }), 5, 120_000);
    await statusShows(page, `${HUB_HOST} unreachable · 3 not checked`);
    const hover = page.locator('.monaco-hover:not(.hidden)').first();
    const text = (await hover.textContent()) ?? '';
    for (const action of ['Retry', 'Work offline', 'Show output']) assert.ok(text.includes(action), `status hover without "${action}": ${text}`);
    assert.ok(!/https?:\/\//.test(text), `URL in the status: ${text}`);
    await shot('11-offline-status');
    await page.keyboard.press('Escape');
    // 5 unpinned uses, the curl | bash, the unresolved ARG: 7 entries; no DT303, no "unreachable" on any image.
    const rows = await problemRows(page).allTextContents();
    assert.ok(!rows.some((r) => /DT303|unreachable|not reachable|lookup/i.test(r)), rows.join(' | '));
    const label = (await page.locator('[id="status.problems"]').getAttribute('aria-label')) ?? '';
    const count = [...label.matchAll(/(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    assert.equal(count, 7, `Problems: ${label}`);
    console.log(`# offline: Problems ${label}; requests refused by the proxy: ${hub!.requests.length}`);
    await shot('12-offline-problems');
  });

  it('the pin fix is shown disabled with its reason; "Show documentation" opens the rule page rendered', async () => {
    const page = editor!.page;
    await page.locator('.view-line', { hasText: 'FROM alpine:3.20' }).first().click();
    await goTo(page, 6, 8);
    // Ctrl+. lists what can run now: ignore and documentation, not the pin.
    await quickFixMenu(page, 'Ignore DT101');
    const widget = page.locator('.action-widget');
    assert.equal(await widget.locator('.monaco-list-row.action', { hasText: /^Pin/ }).count(), 0);
    await page.keyboard.press('Escape');
    // All fixes, with those that cannot run now: VS Code lists them behind "Show Disabled", each with its reason.
    await (await openUntil(page, () => runCommand(page, 'Dockerfile Trust: Show all fixes here, with those that cannot run now and why'), widget.getByText('Show Disabled').first())).click();
    // Greyed out, saying why in its title (VS Code shows disabled actions by title; the sentence is its reason).
    await widget.locator('.monaco-list-row.action.option-disabled', { hasText: 'Pin alpine:3.20 to a digest (offline: registry-1.docker.io is not reachable)' }).first().waitFor({ timeout: 15_000 });
    await shot('13-pin-disabled');
    await page.keyboard.press('Escape');
    await (await quickFixMenu(page, 'Show documentation for DT101')).click();
    await page.locator('.tabs-container .tab', { hasText: 'Preview base-image-unpinned.md' }).first().waitFor({ timeout: 30_000 });
    const heading = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('h1', { hasText: 'base-image-unpinned (DT101)' });
    await heading.waitFor({ timeout: 30_000 });
    await shot('14-rule-documentation');
    await page.locator('.tabs-container .tab', { hasText: 'Preview base-image-unpinned.md' }).first().click();
    await runCommand(page, 'View: Close Editor');
  });

  it('"Ignore this finding on this line" writes the ignore comment, and the finding goes', async () => {
    const page = editor!.page;
    await page.locator('.tabs-container .tab', { hasText: 'Dockerfile' }).first().click();
    await goTo(page, 8, 30);
    await (await quickFixMenu(page, 'Ignore DT202 (download-piped-to-shell) on this line')).click();
    await page.locator('.view-line', { hasText: '# dockerfile-trust ignore=download-piped-to-shell' }).first().waitFor({ timeout: 15_000 });
    await runCommand(page, 'View: Focus Problems');
    await waitForNone(problemRows(page).filter({ hasText: 'bash' }), 30_000);
  });

  it('typing a new image while offline sends nothing', async () => {
    const page = editor!.page;
    await page.locator('.tabs-container .tab', { hasText: 'Dockerfile' }).first().click();
    await goTo(page, 10, 1);
    await page.keyboard.press('End');
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    await page.keyboard.type('FROM debian:12', { delay: 80 });
    const typed = Date.now();
    await waitForCount(problemRows(page).filter({ hasText: 'debian:12 is not pinned' }), 1, 30_000);
    // Well past the typing pause (1.5 s): the finished reference would be looked up by now.
    await new Promise((r) => setTimeout(r, 4_000));
    // Nothing while typing. Once finished, the host known to be down is asked at most once more (when its wait of
    // 30 s is over), never once per image or keystroke.
    const sent = hub!.requests.filter((r) => r.at >= t0);
    assert.ok(sent.every((r) => r.at >= typed), `a request while typing: ${JSON.stringify(sent)}`);
    assert.ok(sent.length <= 1, `requests after typing: ${JSON.stringify(sent)}`);
    console.log(`# typing FROM debian:12 offline: ${sent.length} connection attempt(s), none while typing`);
  });

  it('"Work offline" answers from the cache only and sends nothing; "Go online" and Retry look everything up again', async () => {
    const page = editor!.page;
    await statusShows(page, 'Work offline');
    const tw = Date.now();
    await page.locator('.monaco-hover:not(.hidden) a', { hasText: 'Work offline' }).first().click();
    await statusShows(page, 'Working offline (cache only)');
    await shot('15-working-offline');
    await page.keyboard.press('Escape');
    // Cache only: edits and re-analyses send nothing.
    await page.keyboard.type(' ');
    await page.keyboard.press('Backspace');
    await new Promise((r) => setTimeout(r, 2_500));
    assert.deepEqual(hub!.requests.filter((r) => r.at >= tw), [], 'requests while working offline');
    const t0 = Date.now();
    hub!.offline = false;
    await statusShows(page, 'Go online');
    await page.locator('.monaco-hover:not(.hidden) a', { hasText: 'Go online' }).first().click();
    // New services, no host known to be down: everything open is looked up at once, each image once.
    const want = ['docker/dockerfile:1.7', 'library/alpine:3.20', 'library/debian:12', 'library/node:20'];
    const deadline = Date.now() + 60_000;
    while (want.some((w) => !hub!.manifestsAsked(t0).includes(w)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(hub!.manifestsAsked(t0).sort(), want, hub!.manifestsAsked(t0).join(', '));
    await statusShows(page, 'Trust sources reachable');
    await page.keyboard.press('Escape');
  });

  it('back online, typing FROM ubuntu:24.04 one character at a time sends one lookup, for the finished reference', async () => {
    const page = editor!.page;
    await page.locator('.tabs-container .tab', { hasText: 'Dockerfile' }).first().click();
    await goTo(page, 11, 1);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const t0 = Date.now();
    await page.keyboard.type('FROM ubuntu:24.04', { delay: 120 });
    await waitForCount(problemRows(page).filter({ hasText: 'ubuntu:24.04 is not pinned' }), 1, 30_000);
    await new Promise((r) => setTimeout(r, 4_000));
    assert.deepEqual(hub!.manifestsAsked(t0), ['library/ubuntu:24.04'], `lookups while typing: ${hub!.manifestsAsked(t0).join(', ')}`);
    console.log(`# typing FROM ubuntu:24.04 in the editor (17 keys, 120 ms apart): ${hub!.manifestsAsked(t0).length} lookup`);
    // The answer is there: the pin fix is offered now.
    await goTo(page, 12, 8);
    await quickFixMenu(page, 'Pin to registry digest');
    await page.keyboard.press('Escape');
  });
});
