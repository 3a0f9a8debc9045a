// Workspace Trust in a real VS Code (code-server + Chromium): in Restricted Mode the packaged extension runs the
// syntactic checks only: no request reaches the registry or Notary server, the credential helper never runs and
// the signature policy is not applied. Trusting the workspace turns all of it on (which shows the observation
// window would have seen them).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editorInstall, openFile, packageVsix, REPO, runCommand, startEditor, waitForCount, type Editor } from './harness';

const SHOTS = join(REPO, 'test-results', 'e2e-restricted');

describe('Workspace Trust: Restricted Mode', { timeout: 600_000 }, () => {
  let editor: Editor | undefined;
  let work: string;
  let registry: Server;
  let notary: Server;
  const registryHits: string[] = [];
  const notaryHits: string[] = [];
  let regHost: string;

  const counting = (hits: string[]): Server =>
    createServer((req, res) => {
      hits.push(`${req.method} ${req.url}${req.headers.authorization !== undefined ? ' (with credentials)' : ''}`);
      // Ask for credentials: a client that is allowed to use them then runs the credential helper.
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"', 'docker-distribution-api-version': 'registry/2.0' });
      res.end();
    });
  /** The extension's output channel as code-server logs it. */
  const extensionLog = (): string => {
    const logs = join(editor!.root, 'data', 'logs');
    const found: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name === 'Dockerfile Trust.log') found.push(join(d, e.name));
      }
    };
    if (existsSync(logs)) walk(logs);
    return found.map((f) => readFileSync(f, 'utf8')).join('\n');
  };
  const listen = (s: Server): Promise<number> => new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));

  before(async () => {
    editorInstall();
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), 'dft-e2e-restricted-'));
    const vsix = packageVsix(work);
    registry = counting(registryHits);
    notary = counting(notaryHits);
    regHost = `127.0.0.1:${await listen(registry)}`;
    const notaryUrl = `http://127.0.0.1:${await listen(notary)}`;

    // A credential helper configured the way docker does. The extension logs each helper it starts (the editor's
    // extensions get the login shell's PATH, so it is not found there: the attempt is what the test looks for).
    const dockerConfig = join(work, 'docker');
    mkdirSync(dockerConfig);
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ credHelpers: { [regHost]: 'e2etest' } }));
    const policyFile = join(work, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ version: 1, images: [{ pattern: `${regHost}/**`, required: true }] }));

    const ws = join(work, 'workspace');
    mkdirSync(ws, { recursive: true });
    writeFileSync(join(ws, 'Dockerfile'), [`FROM ${regHost}/library/app:1.0`, 'RUN echo hi', ''].join('\n'));

    editor = await startEditor({
      workspace: ws,
      vsix: vsix.file,
      workspaceTrust: true,
      env: { DOCKER_CONFIG: dockerConfig },
      settings: {
        'dockerfileTrust.registries': { [regHost]: { insecureHttp: true } },
        'dockerfileTrust.notary.servers': { [regHost]: notaryUrl },
        'dockerfileTrust.trust.policyFile': policyFile,
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'always',
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
        'chat.disableAIFeatures': true,
      },
    });
  });

  after(async () => {
    if (editor !== undefined) {
      await editor.page.screenshot({ path: join(SHOTS, 'last.png') }).catch(() => undefined);
      // The editor's logs (the extension's output channel among them) for a failed run.
      cpSync(join(editor.root, 'data', 'logs'), join(SHOTS, 'logs'), { recursive: true });
    }
    await editor?.stop();
    await new Promise((r) => registry?.close(r));
    await new Promise((r) => notary?.close(r));
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  test('untrusted: syntactic findings appear; no request, no credential helper, no policy; trusting turns lookups on', async () => {
    const page = editor!.page;
    await openFile(page, 'Dockerfile');
    // The syntactic check runs: the unpinned FROM gets its squiggle from the packaged server.
    await waitForCount(page.locator('.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error'), 1, 120_000);
    await runCommand(page, 'View: Focus Problems');
    const rows = page.locator('.markers-panel .monaco-list-row');
    await rows.filter({ hasText: 'not pinned' }).first().waitFor({ timeout: 30_000 });
    // Lookups would start right after the first diagnostics (milliseconds on loopback); watch for 5 s.
    await new Promise((r) => setTimeout(r, 5000));
    await page.screenshot({ path: join(SHOTS, '01-restricted.png') });
    assert.deepEqual(registryHits, [], 'no request reached the registry');
    assert.deepEqual(notaryHits, [], 'no request reached the Notary server');
    const restrictedLog = extensionLog();
    assert.match(restrictedLog, /Restricted Mode: syntactic checks only/);
    assert.doesNotMatch(restrictedLog, /credential helper docker-credential|registry lookup of|trust data for|policy\.json/i, 'nothing was looked up, asked or read');
    assert.equal(await rows.filter({ hasText: /signature|signed/ }).count(), 0, 'the policy (a file) was not applied');

    // Trust the workspace: the server restarts with lookups, which reach the servers and run the credential helper.
    await runCommand(page, 'Workspaces: Manage Workspace Trust');
    const trust = page.getByRole('button', { name: /^Trust$/ }).first();
    await trust.waitFor({ timeout: 30_000 });
    await trust.click();
    const deadline = Date.now() + 90_000;
    while (registryHits.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await page.screenshot({ path: join(SHOTS, '02-trusted.png') });
    assert.ok(registryHits.length > 0, 'once trusted, the registry is asked');
    // The extension's own log shows it asked the credential helper for the 401 (and never did before trust).
    const helperDeadline = Date.now() + 30_000;
    while (!/credential helper docker-credential-e2etest/.test(extensionLog()) && Date.now() < helperDeadline) await new Promise((r) => setTimeout(r, 200));
    assert.match(extensionLog(), /credential helper docker-credential-e2etest/, `once trusted, the credential helper is asked for the 401 (registry saw: ${registryHits.join('; ')})`);
  });
});
