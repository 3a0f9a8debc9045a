// BuildKit attestation manifests inside an image index: read as unsigned provenance, as the registry serves it — never verified.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { findBuildkitAttestations, readBuildkitAttestationLayer, readBuildkitAttestationManifest } from '../../../server/src/trust/attestations/buildkit';
import { fixture } from './vectors';

const sha = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const bytes = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

/** The storage layout of moby/buildkit docs/attestations/attestation-storage.md around a real BuildKit statement. */
function layout(statement: Record<string, unknown>) {
  const platformManifest = bytes({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] });
  const platformDigest = sha(platformManifest);
  const st = { ...statement, subject: [{ name: 'pkg:docker/example/app@v1?platform=linux%2Famd64', digest: { sha256: platformDigest.slice(7) } }] };
  const layer = bytes(st);
  const manifest = bytes({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(bytes({})), size: 2 },
    layers: [
      { mediaType: 'application/vnd.in-toto+json', digest: sha(layer), size: layer.length, annotations: { 'in-toto.io/predicate-type': String(statement['predicateType']) } },
      { mediaType: 'application/vnd.example.other', digest: sha(bytes(1)), size: 1 },
    ],
  });
  const index = bytes({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: platformDigest, size: platformManifest.length, platform: { architecture: 'amd64', os: 'linux' } },
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha(manifest),
        size: manifest.length,
        annotations: { 'vnd.docker.reference.digest': platformDigest, 'vnd.docker.reference.type': 'attestation-manifest' },
        platform: { architecture: 'unknown', os: 'unknown' },
      },
    ],
  });
  return { index, manifest, layer, platformDigest };
}

test('index → attestation manifest → in-toto layer: unsigned provenance with its facts, for the platform manifest it names', () => {
  for (const name of ['buildkit-v1-min.intoto.json', 'buildkit-v02-min.intoto.json']) {
    const l = layout(fixture(name) as Record<string, unknown>);
    const found = findBuildkitAttestations(l.index, sha(l.index));
    assert.ok(found.ok);
    assert.deepEqual(found.refs, [{ manifestDigest: sha(l.manifest), subjectDigest: l.platformDigest, subjectPlatform: 'linux/amd64' }]);
    const m = readBuildkitAttestationManifest(l.manifest, sha(l.manifest));
    assert.ok(m.ok);
    assert.equal(m.layers.length, 1, 'unknown media types are ignored');
    const layerRef = m.layers[0];
    assert.ok(layerRef);
    const f = readBuildkitAttestationLayer(l.layer, { layerDigest: layerRef.digest, subjectDigest: l.platformDigest, repository: 'registry.example/app', predicateTypeHint: layerRef.predicateTypeHint });
    assert.equal(f.state, 'unsigned', name);
    if (f.state !== 'unsigned') return;
    assert.equal(f.origin, 'buildkit-index');
    assert.equal(f.facts.kind, 'slsa-provenance');
    assert.equal(f.facts.kind === 'slsa-provenance' && f.facts.buildFamily, 'buildkit');
    assert.match(f.notes[0] ?? '', /^unsigned/);
  }
});

test('bytes that do not hash to their digest, a statement about another manifest, or a DSSE envelope are not read', () => {
  const l = layout(fixture('buildkit-v1-min.intoto.json') as Record<string, unknown>);
  assert.equal(findBuildkitAttestations(l.index, `sha256:${'0'.repeat(64)}`).ok, false);
  assert.equal(readBuildkitAttestationManifest(l.manifest, sha(l.index)).ok, false);
  const wrongDigest = readBuildkitAttestationLayer(l.layer, { layerDigest: sha(l.manifest), subjectDigest: l.platformDigest, repository: 'r' });
  assert.equal(wrongDigest.state, 'unverifiable');
  const other = readBuildkitAttestationLayer(l.layer, { layerDigest: sha(l.layer), subjectDigest: `sha256:${'1'.repeat(64)}`, repository: 'r' });
  assert.equal(other.state, 'unverifiable');
  assert.match(other.state === 'unverifiable' ? other.reason : '', /not about/);
  const dsse = bytes({ payloadType: 'application/vnd.in-toto+json', payload: l.layer.toString('base64'), signatures: [{ sig: 'AA==' }] });
  const d = readBuildkitAttestationLayer(dsse, { layerDigest: sha(dsse), subjectDigest: l.platformDigest, repository: 'r' });
  assert.equal(d.state, 'unverifiable');
  assert.match(d.state === 'unverifiable' ? d.reason : '', /DSSE envelope/);
});

test('index oddities: attestations about manifests the index does not list, missing subjects, junk', () => {
  const l = layout(fixture('buildkit-v1-min.intoto.json') as Record<string, unknown>);
  const idx = JSON.parse(l.index.toString()) as { manifests: Array<{ annotations?: Record<string, string> }> };
  const att = idx.manifests[1];
  assert.ok(att?.annotations);
  att.annotations['vnd.docker.reference.digest'] = `sha256:${'9'.repeat(64)}`;
  idx.manifests.push({ annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } }, { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }, digest: `sha256:${'8'.repeat(64)}` } as never);
  const r = findBuildkitAttestations(bytes(idx));
  assert.ok(r.ok);
  assert.deepEqual(r.refs, []);
  assert.equal(r.notes.length, 2);
  for (const junk of ['', 'null', '[]', '{"manifests":5}', '\ufeff{}']) assert.equal(findBuildkitAttestations(Buffer.from(junk)).ok, false, junk);
  assert.equal(readBuildkitAttestationManifest(Buffer.from('{}'), sha(Buffer.from('{}'))).ok, false);
  assert.equal(findBuildkitAttestations(Buffer.alloc(4 * 1024 * 1024 + 1, 0x20)).ok, false);
});
