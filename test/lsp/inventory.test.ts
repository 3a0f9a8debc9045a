// The Image Inventory at monorepo scale, over stdio: the client's loader (client/src/inventoryLoader.ts, as the
// extension runs it) against the bundled server, on a generated workspace. Every file is listed, each distinct text is
// analysed once, each distinct image asked about once, counts are true, a limit says what it left out, and with no
// network every image says "offline" (never "unknown") while the registries are tried about once each.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InventoryLoader } from '../../client/src/inventoryLoader';
import { UNRESOLVED } from '../../client/src/inventoryModel';
import { parseReference } from '../../server/src/core/imageRef';
import { startFakeHub, type FakeHub } from '../support/fakeHub';
import { diskInventoryIO } from '../support/inventoryIO';
import { startLsp, type LspClient } from '../support/lsp';
import { generateWorkspace, type GeneratedWorkspace } from '../support/workspaceGen';

let dir: string;
let ws: GeneratedWorkspace;
const clients: LspClient[] = [];
let hub: FakeHub | undefined;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-inventory-'));
  ws = generateWorkspace(dir, 300, { images: 120 });
});

after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await hub?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function server(settings: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<LspClient> {
  const c = await startLsp({ settings, env });
  clients.push(c);
  return c;
}

/** What the files say, computed here independently of the server: uses, distinct images (repositories) and references. */
function expectedTotals(files: readonly string[]): { uses: number; unresolved: number; names: number; references: number } {
  let uses = 0;
  let unresolved = 0;
  const names = new Set<string>();
  const refs = new Set<string>();
  for (const f of files) {
    const e = ws.expected.get(f)!;
    uses += e.images.length + e.unresolved;
    unresolved += e.unresolved;
    for (const i of e.images) {
      const r = parseReference(i);
      assert.ok(r.ok, i);
      names.add(r.name);
      refs.add(r.canonical);
    }
  }
  return { uses, unresolved, names: names.size, references: refs.size };
}

test('every Dockerfile, each distinct text analysed once, each image asked about once, true counts; unchanged files are not read again', async () => {
  const c = await server({ network: { mode: 'off' } });
  const io = diskInventoryIO(dir, c.connection);
  let changes = 0;
  const loader = new InventoryLoader(io, { maxFiles: () => 0, onChange: () => changes++ });
  await loader.reload(false);
  const t = loader.model.totals();
  const want = expectedTotals(ws.files);
  assert.deepEqual(
    { files: t.files, uses: t.uses, images: t.images, unresolved: t.unresolved },
    { files: 300, uses: want.uses, images: want.names, unresolved: want.unresolved },
  );
  assert.equal(io.counts.reads, 300);
  assert.equal(io.counts.filesSent, 300);
  assert.equal(io.counts.analysed, ws.distinctTexts, 'one analysis per distinct text');
  assert.ok(ws.distinctTexts < 300, 'the workspace has copies');
  assert.equal(new Set(loader.model.references()).size, want.references);
  assert.ok(changes >= 3, 'the tree filled batch by batch');
  // The unresolved references are a group of their own, never "all pinned · not-applicable".
  const unresolved = loader.model.groups().find((g) => g.key === UNRESOLVED);
  assert.equal(unresolved?.uses, want.unresolved);
  assert.equal(unresolved?.signature, 'unresolved');
  assert.equal(loader.model.groups().at(-1)?.key, UNRESOLVED, 'listed last');
  // With lookups off every image says so: not "unknown" states invented by the client.
  assert.ok(loader.model.references().every((r) => loader.model.state(r)?.signature === 'unknown' && /^lookups are off/.test(loader.model.state(r)!.signatureDetail)));

  // Again, nothing changed: no file read, nothing analysed.
  const before = { ...io.counts };
  await loader.reload(false);
  assert.equal(io.counts.reads - before.reads, 0);
  assert.equal(io.counts.analysed - before.analysed, 0);
  // One file changes: only it is read and analysed.
  const changed = ws.files[7]!;
  fs.appendFileSync(path.join(dir, changed), 'FROM busybox:1.36 AS extra\n');
  const mid = { ...io.counts };
  await loader.update([pathToFileURL(path.join(dir, changed)).toString()]);
  assert.equal(io.counts.reads - mid.reads, 1);
  assert.equal(io.counts.analysed - mid.analysed, 1);
  assert.equal(loader.model.totals().uses, want.uses + 1);
  // Settings changed: every file is sent again, and the server's cache spares the unchanged texts.
  const late = { ...io.counts };
  await loader.reload(false, true);
  assert.equal(io.counts.filesSent - late.filesSent, 300);
  assert.equal(io.counts.analysed - late.analysed, 0);
});

test('a file limit is a setting: path order, and the view says how many were left out and in which folders', async () => {
  const c = await server({ network: { mode: 'off' } });
  const io = diskInventoryIO(dir, c.connection);
  const loader = new InventoryLoader(io, { maxFiles: () => 100, onChange: () => undefined });
  await loader.reload(false);
  const all = (await io.list()).slice().sort();
  assert.deepEqual(loader.model.fileUris().sort(), all.slice(0, 100));
  const note = loader.notes[0];
  const leftFolders = new Set(all.slice(100).map((u) => u.slice(0, u.lastIndexOf('/') + 1)));
  assert.equal(note?.text, `Showing 100 of 300 Dockerfiles (dockerfileTrust.inventory.maxFiles); 200 left out in ${leftFolders.size} folders`);
  assert.equal(note?.children.length, leftFolders.size);
  assert.ok(note!.children.every((ch) => / \(\d+ files? left out\)$/.test(ch)));
  assert.equal(loader.model.totals().files, 100);
});

test('no network: every image says offline, and each registry host is tried about once for all its images', async () => {
  hub = await startFakeHub();
  hub.offline = true;
  const docker = fs.mkdtempSync(path.join(dir, 'docker-'));
  const c = await server({}, { ...process.env, HTTPS_PROXY: hub.proxyUrl, HTTP_PROXY: hub.proxyUrl, NO_PROXY: '', https_proxy: '', http_proxy: '', no_proxy: '', DOCKER_CONFIG: docker });
  const io = diskInventoryIO(dir, c.connection);
  const loader = new InventoryLoader(io, { maxFiles: () => 0, onChange: () => undefined });
  const t0 = Date.now();
  await loader.reload(true);
  const ms = Date.now() - t0;
  const refs = loader.model.references();
  const states = refs.map((r) => loader.model.state(r));
  assert.ok(states.every((s) => s?.signature === 'offline'), [...new Set(states.map((s) => s?.signature))].join(', '));
  assert.ok(states.every((s) => / is not reachable$/.test(s!.registryError ?? '')), states[0]?.registryError ?? '');
  const hosts = new Set(hub.requests.map((r) => r.host));
  const attempts = hub.requests.length;
  console.log(`# offline inventory of 300 files / ${refs.length} references: ${attempts} connection attempts to ${hosts.size} hosts, ${ms} ms`);
  // Four registries; lookups run four at a time, so a host can be tried by the lookups already under way.
  assert.ok(attempts <= 4 * hosts.size && hosts.size <= 5, `attempts ${attempts} to ${[...hosts].join(', ')}`);
  assert.equal(io.counts.referencesAsked, refs.length * 2, 'each image asked about twice: what is known, then after the lookup');
});
