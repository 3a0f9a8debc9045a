// Provenance in a real VS Code (code-server + Chromium): the packaged extension, a real docker-registry holding GitHub's
// real artifact attestation (cli/cli test data) as an OCI referrer, and a policy that requires provenance from that
// workflow. The hover says who built the image, from which commit and workflow, who attested it and when it was logged,
// with links; an image that has only BuildKit's unsigned provenance gets DT405 and never a ✓.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachBundle } from '../support/cosign';
import { MT, sha256, startRegistry, type RegistryHandle } from '../support/registry';
import { editorInstall, goTo, openFile, packageVsix, REPO, runCommand, startEditor, waitForCount, type Editor } from './harness';

const SHOTS = join(REPO, 'test-results', 'e2e-provenance');
const FIXTURES = join(REPO, 'test', 'fixtures', 'attestations');
const GH = readFileSync(join(FIXTURES, 'github-reusable-workflow.sigstore.json'));
const GH_SUBJECT = `sha256:${(JSON.parse(Buffer.from((JSON.parse(GH.toString()) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload, 'base64').toString()) as { subject: { digest: { sha256: string } }[] }).subject[0]!.digest.sha256}`;
const COMMIT = '95baf27389e83e6a5c48f42e190d48d7abcea19e';

/** An image index with one platform manifest and BuildKit's unsigned provenance about it (moby/buildkit docs, mode=min). */
async function pushBuildkitIndex(r: RegistryHandle, repo: string, tag: string): Promise<void> {
  const empty = Buffer.from('{}');
  const layer = Buffer.from('e2e layer\n');
  const platform = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociManifest, config: { mediaType: MT.ociConfig, digest: await r.pushBlob(repo, empty), size: 2 }, layers: [{ mediaType: MT.ociLayer, digest: await r.pushBlob(repo, layer), size: layer.length }] }));
  const platformDigest = await r.pushManifest(repo, sha256(platform), MT.ociManifest, platform);
  const st = Buffer.from(JSON.stringify({ ...(JSON.parse(readFileSync(join(FIXTURES, 'buildkit-v02-min.intoto.json'), 'utf8')) as object), subject: [{ name: repo, digest: { sha256: platformDigest.slice(7) } }] }));
  const att = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MT.ociManifest, config: { mediaType: MT.ociConfig, digest: await r.pushBlob(repo, empty), size: 2 }, layers: [{ mediaType: 'application/vnd.in-toto+json', digest: await r.pushBlob(repo, st), size: st.length, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }] }),
  );
  const attDigest = await r.pushManifest(repo, sha256(att), MT.ociManifest, att);
  const index = {
    schemaVersion: 2,
    mediaType: MT.ociIndex,
    manifests: [
      { mediaType: MT.ociManifest, digest: platformDigest, size: platform.length, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: MT.ociManifest, digest: attDigest, size: att.length, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': platformDigest } },
    ],
  };
  await r.pushManifest(repo, tag, MT.ociIndex, Buffer.from(JSON.stringify(index)));
}

describe('provenance in the editor (code-server + Chromium)', { timeout: 600_000 }, () => {
  let editor: Editor | undefined;
  let registry: RegistryHandle | undefined;
  let work: string;

  before(async () => {
    editorInstall();
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'dft-e2e-provenance-'));
    const vsix = packageVsix(work);
    registry = await startRegistry();
    const host = registry.host;
    await attachBundle(registry, 'acme/app', GH_SUBJECT, MT.ociManifest, 1, GH, { predicateType: 'https://slsa.dev/provenance/v1', announceInIndex: true });
    await pushBuildkitIndex(registry, 'acme/tool', '1');

    const ws = join(work, 'workspace');
    mkdirSync(ws, { recursive: true });
    writeFileSync(join(ws, 'Dockerfile'), [`FROM ${host}/acme/app@${GH_SUBJECT} AS app`, 'RUN echo build', '', `FROM ${host}/acme/tool:1`, 'COPY --from=app /etc/hostname /copied', ''].join('\n'));
    const provenance = {
      identities: [{ identityRegexp: 'https://github\\.com/github/artifact-attestations-workflows/\\.github/workflows/attest\\.yml@.*', issuer: 'https://token.actions.githubusercontent.com' }],
      sourceRepository: 'https://github.com/malancas/attest-demo',
    };
    editor = await startEditor({
      workspace: ws,
      vsix: vsix.file,
      settings: {
        'dockerfileTrust.registries': { [host]: { insecureHttp: true } },
        'dockerfileTrust.trust.policy': [
          { pattern: `${host}/acme/app`, provenance },
          { pattern: `${host}/acme/tool`, provenance },
        ],
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

  after(async () => {
    if (editor !== undefined) {
      await editor.page.screenshot({ path: join(SHOTS, 'last.png') }).catch(() => undefined);
      cpSync(join(editor.root, 'data', 'logs'), join(SHOTS, 'logs'), { recursive: true });
    }
    await editor?.stop();
    await registry?.stop();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('the hover names builder, source commit, workflow, attesting identity and log time, with links; unsigned BuildKit provenance gets DT405', async () => {
    const page = editor!.page;
    await openFile(page, 'Dockerfile');
    await runCommand(page, 'View: Focus Problems');
    const rows = page.locator('.markers-panel .monaco-list-row');
    // DT405 for the image whose only provenance is BuildKit's, unsigned; none for the attested one.
    await rows.filter({ hasText: 'only unsigned BuildKit provenance' }).first().waitFor({ timeout: 120_000 });
    const texts = await rows.allTextContents();
    assert.ok(!texts.some((t) => t.includes('acme/app@') && /provenance/i.test(t)), `the attested image got a provenance finding: ${texts.join(' | ')}`);
    await page.screenshot({ path: join(SHOTS, '01-problems.png') });

    await page.locator('.view-line', { hasText: 'acme/app@' }).first().click();
    await goTo(page, 1, 20);
    await runCommand(page, 'Show or Focus Hover');
    const hover = page.locator('.monaco-hover:not(.hidden) .hover-contents', { hasText: 'Built by' }).first();
    await hover.waitFor({ timeout: 60_000 });
    const text = (await hover.textContent()) ?? '';
    assert.match(
      text,
      /Built by https:\/\/github\.com\/actions\/runner\/github-hosted from https:\/\/github\.com\/malancas\/attest-demo@95baf27389e8 \(\.github\/workflows\/shared\.yml\), attested by https:\/\/github\.com\/github\/artifact-attestations-workflows\/\.github\/workflows\/attest\.yml@09b495c3f12c7881b3cc17209a327792065c1a1d, logged 2024-05-24T19:14:24\.000Z ✓/,
      text,
    );
    const links = await hover.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('data-href') ?? a.getAttribute('href') ?? ''));
    for (const want of [`https://github.com/malancas/attest-demo/commit/${COMMIT}`, `https://github.com/malancas/attest-demo/blob/${COMMIT}/.github/workflows/shared.yml`, 'https://search.sigstore.dev/?logIndex=96764485']) {
      assert.ok(links.includes(want), `no link to ${want} in the hover: ${links.join(' ')}`);
    }
    await page.screenshot({ path: join(SHOTS, '02-provenance-hover.png') });
    await page.keyboard.press('Escape');

    await page.locator('.view-line', { hasText: 'acme/tool:1' }).first().click();
    await goTo(page, 4, 20);
    await runCommand(page, 'Show or Focus Hover');
    const unsigned = page.locator('.monaco-hover:not(.hidden) .hover-contents', { hasText: 'Unsigned, as the registry serves it' }).first();
    await unsigned.waitFor({ timeout: 60_000 });
    const t2 = (await unsigned.textContent()) ?? '';
    assert.doesNotMatch(t2, /Built by/);
    assert.match(t2, /unsigned provenance only/);
    await waitForCount(page.locator('.monaco-editor .squiggly-error'), 1, 30_000);
    await page.screenshot({ path: join(SHOTS, '03-unsigned-hover.png') });
    await page.keyboard.press('Escape');
  });
});
