// client/src/inventoryModel.ts: grouping image → reference → folder, true counts, the weakest state per image, and
// unresolved references as a group of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byFolder, InventoryModel, signatureLabel, UNRESOLVED } from '../../client/src/inventoryModel';
import type { ImageState, InventoryUse } from '../../server/src/protocol';

const range = (line: number) => ({ start: { line, character: 5 }, end: { line, character: 20 } });
function use(text: string, o: Partial<InventoryUse> = {}): InventoryUse {
  const [name, tag] = text.split(':');
  return { text, range: range(0), source: 'from', kind: 'image', name: `docker.io/library/${name}`, familiar: text, canonical: `docker.io/library/${text}`, tag: tag ?? null, pinnedDigest: null, note: null, ...o };
}
const state = (canonical: string, signature: ImageState['signature']): ImageState => ({ canonical, signature, signatureDetail: signature, signers: [], expires: null, resolvedDigest: null, registryError: null });

test('groups by image, then by reference; counts uses and files; the weakest state shows', () => {
  const m = new InventoryModel();
  m.setFile('file:///w/a/Dockerfile', [use('node:20'), use('node:20', { range: range(3) }), use('alpine:3.20'), { ...use('x'), kind: 'stage', name: null, canonical: null }]);
  m.setFile('file:///w/b/Dockerfile', [use('node:18', { pinnedDigest: `sha256:${'1'.repeat(64)}` }), { ...use('${BASE}'), kind: 'unresolved', name: null, canonical: null, note: 'cannot be resolved: $BASE has no value' }]);
  m.setStates([state('docker.io/library/node:20', 'signed'), state('docker.io/library/node:18', 'unsigned')]);
  assert.deepEqual(m.totals(), { files: 2, filesWithImages: 2, images: 2, uses: 5, unresolved: 1 });
  const node = m.groups().find((g) => g.label === 'node')!;
  assert.deepEqual([node.uses, node.files, node.unpinned, node.signature, node.variants.map((v) => [v.label, v.uses.length])], [3, 2, 2, 'unsigned', [['node:20', 2], ['node:18', 1]]]);
  assert.equal(m.groups().find((g) => g.label === 'alpine')?.signature, 'pending', 'not asked yet is not "unknown"');
  const unresolved = m.groups().at(-1)!;
  assert.deepEqual([unresolved.key, unresolved.label, unresolved.uses, unresolved.unpinned, unresolved.signature], [UNRESOLVED, 'Unresolved image references', 1, 0, 'unresolved']);
  assert.equal(signatureLabel('unresolved'), 'unresolved ARG: not checked');
  assert.equal(signatureLabel('offline'), 'not checked (offline)');
  m.deleteFile('file:///w/b/Dockerfile');
  assert.equal(m.totals().uses, 3);
});

test('thousands of uses of one reference are listed by folder', () => {
  const uses = Array.from({ length: 300 }, (_, i) => ({ uri: `file:///w/team${i % 12}/svc${i}/Dockerfile`, use: use('node:20') }));
  // 300 service folders under 12 teams: cut at the team level (the deepest level with at most 50 folders).
  const folders = byFolder(uses);
  assert.deepEqual(folders.map((f) => f.folder.slice('file:///w/'.length)).sort(), Array.from({ length: 12 }, (_, i) => `team${i}`).sort());
  const shared = byFolder(uses.map((u, i) => ({ ...u, uri: `file:///w/team${i % 12}/Dockerfile.${i}` })));
  assert.equal(shared.length, 12);
  assert.equal(shared.reduce((n, f) => n + f.uses.length, 0), 300);
});
