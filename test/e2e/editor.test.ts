// The extension in a real VS Code (code-server + Chromium): packaged .vsix, real registry and notary-server, one user journey.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotaryCli, opensslDelegationKey, pushImage, registryAt, startNotaryServer, startRegistry, type Pushed, type Running } from '../support/notary';
import { attachNotationSignature, COSE, envelopeChain, pushOciLayout } from '../support/notationRegistry';
import { sharedData } from '../support/shared';
import type { Descriptor } from '../support/registry';
import { editorInstall, expandPane, goTo, openFile, packageVsix, quickFixMenu, RESULTS, runCommand, startEditor, waitForCount, waitForNone, type Editor } from './harness';

/** Files a .vsix may carry: the bundles, the rule docs, the manifest texts. Anything else (node_modules, sources, maps) is a packaging bug. */
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  // Every bundle (client, server, cli, lazily loaded parts such as compose.js); never source maps.
  /^extension\/dist\/[A-Za-z0-9_-]+\.js$/,
  /^extension\/docs\/rules\/[a-z0-9-]+\.md$/,
  /^extension\/images\/icon\.png$/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/license(\.md|\.txt)?$/i,
];

describe('editor end-to-end (code-server + Chromium)', { timeout: 600_000 }, () => {
  let registry: Running | undefined;
  let notary: Running | undefined;
  let cli: NotaryCli | undefined;
  let editor: Editor | undefined;
  let work: string;
  let regHost: string;
  let signed: Pushed;
  let vsixSize = 0;
  // notation-go's own image and COSE envelope (../shared): the Notation step needs them.
  const notationData = sharedData('conformance/notation/notation-go', 'the editor step with a Notation-signed image (notation-go envelope and OCI layout)');
  let notationImage: Descriptor | undefined;

  before(async () => {
    editorInstall(); // fails with the set-up instructions when the editor is not installed
    rmSync(RESULTS, { recursive: true, force: true });
    mkdirSync(RESULTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'dft-e2e-work-'));

    const vsix = packageVsix(work);
    vsixSize = vsix.size;
    const stray = vsix.entries.filter((e) => !ALLOWED.some((re) => re.test(e)));
    assert.deepEqual(stray, [], `the .vsix carries files it must not: ${stray.join(', ')}`);
    assert.ok(vsix.entries.includes('extension/dist/server.js') && vsix.entries.includes('extension/dist/client.js'), 'bundles missing from the .vsix');
    writeFileSync(join(RESULTS, 'vsix.json'), JSON.stringify({ bytes: vsix.size, entries: vsix.entries }, null, 2));
    console.log(`# .vsix: ${vsix.size} bytes, ${vsix.entries.length} entries`);

    registry = await startRegistry();
    notary = await startNotaryServer();
    regHost = `127.0.0.1:${registry.port}`;
    signed = await pushImage(registry.url, 'library/signed', '1.0', 'signed');
    await pushImage(registry.url, 'library/unsigned', '1.0', 'unsigned');
    // Sign the way `docker trust sign` does: a server-managed snapshot and a targets/releases delegation.
    cli = new NotaryCli(notary.url);
    const gun = `${regHost}/library/signed`;
    await cli.must('init', '-p', gun);
    await cli.must('key', 'rotate', gun, 'snapshot', '-r');
    const key = opensslDelegationKey(cli.dir, 'releases');
    await cli.must('key', 'import', key.keyFile, '--role', 'targets/releases');
    await cli.must('delegation', 'add', gun, 'targets/releases', key.certFile, '--all-paths', '-p');
    await cli.must('addhash', gun, '1.0', String(signed.size), '--sha256', signed.hex, '-r', 'targets/releases');
    await cli.must('publish', gun);
    const oracle = await cli.lookup(gun, '1.0');
    assert.ok(oracle.ok && oracle.digest === signed.digest, `the notary CLI does not see the signature: ${JSON.stringify(oracle)}`);

    const ws = join(work, 'workspace');
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    mkdirSync(join(ws, 'app'), { recursive: true });
    writeFileSync(
      join(ws, 'Dockerfile'),
      [
        `FROM ${regHost}/library/signed:1.0 AS base`,
        'RUN echo build',
        '',
        `FROM ${regHost}/library/unsigned:1.0`,
        'COPY --from=base /etc/hostname /copied',
        `ADD http://${regHost}/tool.tar.gz /opt/tool.tar.gz`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(ws, 'app', 'Dockerfile'), [`FROM ${regHost}/library/signed:1.0`, 'RUN echo app', ''].join('\n'));
    // A Notation-signed image, read with notation's own trust policy and trust store (a directory as notation keeps it).
    const notationDir = join(work, 'notation');
    if (notationData.skip === false) {
      const testdata = join(notationData.dir, 'internal', 'testdata');
      const envelope = readFileSync(join(testdata, 'cose_signature.sig'));
      notationImage = await pushOciLayout(registryAt(registry.url), 'library/notation-signed', 'v2', join(testdata, 'oci-layout'));
      await attachNotationSignature(registryAt(registry.url), 'library/notation-signed', notationImage, envelope, COSE);
      mkdirSync(join(notationDir, 'truststore', 'x509', 'ca', 'acme'), { recursive: true });
      writeFileSync(join(notationDir, 'truststore', 'x509', 'ca', 'acme', 'root.pem'), envelopeChain(envelope).at(-1)!.toString());
      const statement = { name: 'acme-images', registryScopes: [`${regHost}/library/notation-signed`], signatureVerification: { level: 'strict' }, trustStores: ['ca:acme'], trustedIdentities: ['*'] };
      writeFileSync(join(notationDir, 'trustpolicy.oci.json'), JSON.stringify({ version: '1.0', trustPolicies: [statement] }, null, 2));
      writeFileSync(join(ws, 'notation.Dockerfile'), [`FROM ${regHost}/library/notation-signed:v2`, 'RUN echo notation', ''].join('\n'));
    }
    // Workspace settings hold what a repository may decide (resource scope); where requests go is machine scope.
    writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'dockerfileTrust.rules': { 'base-image-unpinned': 'warning' } }, null, 2));

    editor = await startEditor({
      workspace: ws,
      vsix: vsix.file,
      settings: {
        'dockerfileTrust.registries': { [regHost]: { insecureHttp: true } },
        'dockerfileTrust.notary.servers': { [regHost]: notary.url },
        'dockerfileTrust.notation.configDir': notationDir,
        'dockerfileTrust.trust.policy': [{ pattern: `${regHost}/**`, required: true }],
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
      },
    });
  });

  let step = 0;
  let passed = 0;
  /** A step that counts itself as passed when its body finished without a failed assertion. */
  let declared = 0;
  const it = (name: string, body: () => Promise<void>): void => {
    declared++;
    test(name, async () => {
      await body();
      passed++;
    });
  };
  afterEach(async () => {
    // What the screen showed at the end of every step, passed or not: the first thing to look at when a step fails.
    step++;
    mkdirSync(join(RESULTS, 'after-step'), { recursive: true });
    await editor?.page.screenshot({ path: join(RESULTS, 'after-step', `${step}.png`) }).catch(() => undefined);
  });

  after(async () => {
    await editor?.stop();
    await registry?.stop();
    await notary?.stop();
    cli?.cleanup();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
    // Screenshots stay in the build folder (test-results/e2e): tests never modify tracked files. The README's
    // pictures are replaced only by `npm run docs:screenshots`, which copies them from a run where every step passed.
    writeFileSync(join(RESULTS, 'run.json'), JSON.stringify({ passed, declared, complete: passed === declared, at: new Date().toISOString() }));
    console.log(`# .vsix size: ${vsixSize} bytes`);
  });

  it('the packaged extension activates and shows squiggles and Problems entries for unpinned and unsigned images and the unverified download', async () => {
    const page = editor!.page;
    await openFile(page, 'Dockerfile');
    // Both FROM lines are unpinned: warning squiggles once the server from the .vsix has analysed the file.
    await waitForCount(page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error'), 2, 120_000);
    await runCommand(page, 'View: Focus Problems');
    const rows = page.locator('.markers-panel .monaco-list-row');
    await waitForCount(rows.filter({ hasText: 'not pinned' }), 2, 30_000);
    // The unsigned image: policy requires a signature, the notary server has no trust data for it (after the lookup).
    await rows.filter({ hasText: 'library/unsigned:1.0' }).filter({ hasText: /signature|signed/ }).first().waitFor({ timeout: 60_000 });
    // The ADD of a remote URL without a checksum.
    await rows.filter({ hasText: 'tool.tar.gz' }).first().waitFor({ timeout: 30_000 });
    const texts = await rows.allTextContents();
    assert.ok(texts.some((t) => t.includes('library/signed:1.0') && t.includes('not pinned')), `no unpinned entry for the signed image: ${texts.join(' | ')}`);
    assert.ok(!texts.some((t) => t.includes('library/signed:1.0') && /not signed|unsigned|no trust data/i.test(t)), `the signed image is reported unsigned: ${texts.join(' | ')}`);
    const problems = await page.locator('[id="status.problems"]').getAttribute('aria-label');
    assert.match(problems ?? '', /Warnings: [1-9]/i, `status bar problem count: ${problems}`);
    await editor!.screenshot('01-problems');
  });

  it('hover over the signed image shows its signer and expiry', async () => {
    const page = editor!.page;
    await page.locator('.view-line', { hasText: 'library/signed:1.0' }).first().click();
    await goTo(page, 1, 20);
    await runCommand(page, 'Show or Focus Hover');
    const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents', { hasText: 'signed by releases' }).first();
    await hover.waitFor({ timeout: 30_000 });
    const text = (await hover.textContent()) ?? '';
    assert.match(text, /expires \d{4}-\d{2}-\d{2}/, `hover has no expiry: ${text}`);
    assert.ok(text.includes(signed.digest), `hover does not name the signed digest: ${text}`);
    await editor!.screenshot('02-hover');
    await page.keyboard.press('Escape');
  });

  if (notationData.skip === false) {
    it('hover over a Notation-signed image names the certificate subject, the signing time and the trust policy', async () => {
      const page = editor!.page;
      await openFile(page, 'notation.Dockerfile');
      const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents', { hasText: 'Notary Project (Notation)' }).first();
      // The file was just opened: its lookups may still be running, and a hover shows what is known when it opens.
      for (let attempt = 0; ; attempt++) {
        await goTo(page, 1, 20);
        await runCommand(page, 'Show or Focus Hover');
        const shown = await hover.waitFor({ timeout: 5_000 }).then(() => true, () => false);
        if (shown) break;
        assert.ok(attempt < 12, 'the hover never showed the Notation signature');
        await page.keyboard.press('Escape');
      }
      const text = (await hover.textContent()) ?? '';
      assert.match(text, /Signed by CN=alpine,O=Notary,L=Seattle,ST=WA,C=US/, `hover: ${text}`);
      assert.ok(text.includes(notationImage!.digest), `hover does not name the signed digest: ${text}`);
      assert.match(text, /trust policy "acme-images" \(trustpolicy\.oci\.json\), level strict/, `hover: ${text}`);
      assert.match(text, /signed 2023-03-14/, `hover: ${text}`);
      assert.match(text, /✓/, `hover does not say it verified: ${text}`);
      await editor!.screenshot('02b-notation-hover');
      await page.keyboard.press('Escape');
      // Back to the main Dockerfile for the next steps.
      await openFile(page, 'Dockerfile');
    });
  }

  it('the quick fix pins the signed digest and the diagnostic disappears', async () => {
    const page = editor!.page;
    await goTo(page, 1, 20);
    const action = await quickFixMenu(page, /signed/i);
    await editor!.screenshot('03-quick-fix');
    await action.click();
    await page.locator('.view-line', { hasText: `library/signed:1.0@${signed.digest}` }).first().waitFor({ timeout: 30_000 });
    const rows = page.locator('.markers-panel .monaco-list-row');
    await waitForNone(rows.filter({ hasText: 'library/signed:1.0 is not pinned' }), 30_000);
    // The other findings stay: the fix touched only this image.
    await rows.filter({ hasText: 'library/unsigned:1.0' }).first().waitFor();
    await editor!.screenshot('04-pinned');
    await runCommand(page, 'File: Save');
  });

  it('the inventory view lists every image of the workspace, grouped by image, and jumps to a use', async () => {
    const page = editor!.page;
    await runCommand(page, 'View: Hide Panel');
    const pane = await expandPane(page, 'Image Inventory');
    const row = (text: string | RegExp) => pane.locator('.monaco-list-row', { hasText: text }).first();
    await row('library/signed').waitFor({ timeout: 30_000 });
    await row('library/unsigned').waitFor({ timeout: 30_000 });
    // The signed image is used by two Dockerfiles: one group with two uses, signed, with its expiry.
    await pane.locator('.monaco-list-row', { hasText: 'library/signed' }).filter({ hasText: /2 uses.*signed.*expires \d{4}/ }).first().waitFor({ timeout: 60_000 });
    await row('library/unsigned').filter({ hasText: /unsigned|unpinned/ }).waitFor();
    await row('app/Dockerfile:1').waitFor();
    // For the picture: room for the tree (folders collapsed, side bar wider), pointer away from tooltips.
    const folders = page.locator('.pane-header', { hasText: 'workspace' }).first();
    await folders.click();
    const bar = await page.locator('.part.sidebar').boundingBox();
    if (bar !== null) {
      await page.mouse.move(bar.x + bar.width + 2, bar.y + bar.height / 2);
      await page.mouse.down();
      await page.mouse.move(bar.x + bar.width + 360, bar.y + bar.height / 2, { steps: 8 });
      await page.mouse.up();
    }
    await page.mouse.move(1100, 450);
    await editor!.screenshot('05-inventory');
    if (bar !== null) {
      const wide = await page.locator('.part.sidebar').boundingBox();
      if (wide !== null) {
        await page.mouse.move(wide.x + wide.width + 2, wide.y + wide.height / 2);
        await page.mouse.down();
        await page.mouse.move(bar.x + bar.width, wide.y + wide.height / 2, { steps: 8 });
        await page.mouse.up();
      }
    }
    await folders.click();
    await row('app/Dockerfile:1').click();
    await page.locator('.view-line', { hasText: 'RUN echo app' }).first().waitFor({ timeout: 15_000 });
    await page.locator('.breadcrumbs-control', { hasText: 'app' }).first().waitFor();
  });

  it('"Show trust details" opens a read-only document with the trust chain', async () => {
    const page = editor!.page;
    await goTo(page, 1, 20);
    await runCommand(page, 'Dockerfile Trust: Show trust details for this image');
    const doc = page.locator('.editor-instance .view-lines', { hasText: 'Trust details' }).first();
    await doc.waitFor({ timeout: 30_000 });
    // The signer table sits below the fold, and the editor renders only visible lines: find reveals it.
    await doc.click();
    await page.keyboard.press('Control+F');
    await page.keyboard.type('| targets/releases |');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.locator('.view-line', { hasText: 'targets/releases' }).first().waitFor({ timeout: 30_000 });
    // The digest wraps in a narrow editor: look for its start, which fits on one visual line.
    await page.locator('.view-line', { hasText: signed.digest.slice(0, 30) }).first().waitFor();
    await page.locator('.view-line', { hasText: 'releases' }).filter({ hasText: '|' }).first().waitFor();
    await editor!.screenshot('06-trust-details');
    // The same document from the inventory's context menu, for the unsigned image: it says why it is not signed.
    // Room for the inventory: the folders pane collapsed while the menu is used (the tree grows with the workspace).
    const folders = page.locator('.pane-header', { hasText: 'workspace' }).first();
    await folders.click();
    const group = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Image Inventory' }) }).locator('.monaco-list-row', { hasText: 'library/unsigned' }).first();
    await group.scrollIntoViewIfNeeded();
    await group.click({ button: 'right' });
    // A context menu ignores a click that comes right after it opened: click again while it is still there.
    const item = page.locator('.monaco-menu .action-label', { hasText: 'Show trust details for this image' }).first();
    for (let i = 0; i < 5 && (await item.count()) > 0; i++) {
      await item.click().catch(() => undefined);
      await item.waitFor({ state: 'detached', timeout: 1_000 }).catch(() => undefined);
    }
    await folders.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'library_unsigned:1.0.md' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.view-line', { hasText: '### notary' }).filter({ hasText: 'unsigned' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.view-line', { hasText: 'reason:' }).first().waitFor();
    // One trust document column: the second document replaced the first one's place instead of opening a third column.
    assert.equal(await page.locator('.tabs-container .tab', { hasText: 'library_signed:1.0.md' }).count(), 0, 'the trust documents piled up');
  });

  it('"Pin all base images in the workspace" previews the edits and applies them after confirmation', async () => {
    const page = editor!.page;
    await runCommand(page, 'Dockerfile Trust: Pin all base images in the workspace');
    // needsConfirmation routes the edit through the Refactor Preview: each edit starts unchecked and nothing changes
    // until a person ticks it and presses Apply.
    const panel = page.locator('.part.panel');
    const apply = panel.getByRole('button', { name: 'Apply', exact: true }).first();
    await apply.waitFor({ timeout: 60_000 });
    const change = panel.locator('.monaco-list-row', { hasText: `library/signed:1.0@${signed.digest.slice(0, 20)}` }).first();
    await change.waitFor({ timeout: 30_000 });
    // Only app/Dockerfile has something to pin: the root file's signed image is pinned already, its unsigned one has no signed digest.
    assert.equal(await panel.locator('.monaco-list-row', { hasText: 'library/unsigned' }).count(), 0, 'the unsigned image was offered for pinning');
    await editor!.screenshot('07-pin-workspace-preview');
    const box = change.locator('.monaco-checkbox').first();
    await box.click();
    await change.locator('.monaco-checkbox[aria-checked="true"]').first().waitFor();
    await apply.click();
    await waitForNone(panel.getByRole('button', { name: 'Apply', exact: true }), 30_000);
    // app/Dockerfile (open in its tab) now carries the signed digest too; the unsigned image was left alone.
    await page.locator('.tabs-container .tab', { hasText: 'app' }).first().click();
    await page.locator('.breadcrumbs-control', { hasText: 'app' }).first().waitFor();
    const appEditor = page.locator('.editor-instance', { has: page.locator('.view-line', { hasText: 'RUN echo app' }) }).first();
    await appEditor.locator('.view-line', { hasText: `library/signed:1.0@${signed.digest.slice(0, 20)}` }).first().waitFor({ timeout: 30_000 });
  });

  it('a settings change re-validates open documents', async () => {
    const page = editor!.page;
    await page.locator('.tabs-container .tab', { hasText: 'Dockerfile' }).filter({ hasNotText: 'app' }).first().click();
    await page.locator('.view-line', { hasText: 'library/unsigned:1.0' }).first().waitFor();
    await runCommand(page, 'View: Focus Problems');
    const unpinned = page.locator('.markers-panel .monaco-list-row', { hasText: 'library/unsigned:1.0 is not pinned' });
    await unpinned.first().waitFor({ timeout: 30_000 });
    writeFileSync(join(work, 'workspace', '.vscode', 'settings.json'), JSON.stringify({ 'dockerfileTrust.rules': { 'base-image-unpinned': 'off' } }, null, 2));
    await waitForNone(unpinned, 60_000);
    // Only that rule went quiet: the unverified download is still reported.
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'tool.tar.gz' }).first().waitFor();
    // Code lenses are off by default; turning them on shows pin and signature state above each image.
    assert.equal(await page.locator('.codelens-decoration').count(), 0, 'code lenses shown although the setting is off');
    writeFileSync(
      join(work, 'workspace', '.vscode', 'settings.json'),
      JSON.stringify({ 'dockerfileTrust.rules': { 'base-image-unpinned': 'off' }, 'dockerfileTrust.codeLens.enabled': true }, null, 2),
    );
    await page.locator('.codelens-decoration', { hasText: 'signed by releases' }).first().waitFor({ timeout: 60_000 });
    await page.locator('.codelens-decoration', { hasText: 'not pinned' }).first().waitFor({ timeout: 30_000 });
    await editor!.screenshot('08-code-lens');
  });

  it('"Pin all base images in this file" says which images it left alone, and the output channel says why', async () => {
    const page = editor!.page;
    await page.locator('.view-line', { hasText: 'library/unsigned:1.0' }).first().waitFor();
    await runCommand(page, 'Dockerfile Trust: Pin all base images in this file');
    // The signed image is pinned already; the unsigned one has no signed digest, and a bulk pin never takes the unverified one.
    // The message names the image and why, with a button to the output.
    const toast = page.locator('.notification-toast', { hasText: /No image was pinned: \S*library\/unsigned:1\.0 \(no signed digest/ }).first();
    await toast.waitFor({ timeout: 60_000 });
    await toast.getByRole('button', { name: 'Show output' }).first().waitFor();
    assert.equal(await page.locator('.view-line', { hasText: 'library/unsigned:1.0@' }).count(), 0, 'the unsigned image was pinned');
    await runCommand(page, 'Dockerfile Trust: Show output');
    // One entry from the workspace pin before, one from this command (long entries wrap, so look for the reason alone).
    await waitForCount(page.locator('.part.panel .view-line', { hasText: 'no signed digest' }), 2, 30_000);
    await editor!.screenshot('10-output');
    await runCommand(page, 'Notifications: Clear All Notifications');
  });

  it('the language status says whether trust sources answer, and a failed refresh is reported without a dialog', async () => {
    const page = editor!.page;
    const openStatus = async (text: string): Promise<void> => {
      await page.locator('[id="status.languageStatus"]').click();
      try {
        await page.locator('.monaco-hover:not(.hidden)', { hasText: text }).first().waitFor({ timeout: 3_000 });
      } catch (e) {
        await page.keyboard.press('Escape');
        throw e;
      }
    };
    await waitForStatus(openStatus, 'trust sources reachable');
    // The sources that answered are named: Docker Content Trust here, and Notation where its image is in the workspace.
    await waitForStatus(openStatus, notationData.skip === false ? 'Notary, Notation' : 'Notary');
    await editor!.screenshot('09-language-status');
    await page.keyboard.press('Escape');
    // The notary server goes away; a person asks for fresh trust data.
    const notaryUrl = notary!.url;
    await notary!.stop();
    notary = undefined;
    await runCommand(page, 'Dockerfile Trust: Refresh trust data');
    // One state for the workspace, a warning with its action: the notary server's host is named, no URL.
    await waitForStatus(openStatus, `127.0.0.1:${new URL(notaryUrl).port} unreachable`);
    await page.locator('.monaco-hover:not(.hidden) a', { hasText: 'Retry' }).first().waitFor();
    assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'a modal dialog was shown for a background failure');
  });
});

/** Re-opens the status hover until it shows `text` (the status follows the lookups that the refresh started). */
async function waitForStatus(open: (text: string) => Promise<void>, text: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      await open(text);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
  }
}
