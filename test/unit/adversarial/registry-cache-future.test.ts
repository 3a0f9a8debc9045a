// Adversarial review: a cached tag answer stamped in the future (clock skew, a cache restored from another machine)
// must not stand in for the fresh answer a trust verdict asks for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReference } from '../../../server/src/core/imageRef';
import type { HttpClient } from '../../../server/src/registry/http';
import { CACHE_FILE } from '../../../server/src/registry/cache';
import { createRegistryService } from '../../../server/src/registry/service';

const D_OLD = 'sha256:' + 'a'.repeat(64);
const D_NOW = 'sha256:' + 'b'.repeat(64);

test('resolve(maxAgeMs: 0) asks the registry even when the cached answer claims to be from the future', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dt-future-'));
  try {
    const ref = parseReference('reg.test/app:v1');
    assert.ok(ref.ok);
    mkdirSync(dir, { recursive: true });
    const fact = { state: 'ok', registry: 'reg.test', digest: D_OLD, mediaType: 'application/vnd.oci.image.manifest.v1+json', isIndex: false, platforms: [], lookedUpAt: '2099-01-01T00:00:00.000Z', fromCache: false };
    writeFileSync(join(dir, CACHE_FILE), JSON.stringify({ version: 1, entries: { [ref.canonical]: { fact, expiresAt: Date.parse('2099-01-01T00:00:00.000Z') } } }));
    const asked: string[] = [];
    const http: HttpClient = async (req) => {
      asked.push(`${req.method ?? 'GET'} ${req.url}`);
      return { ok: true, status: 200, headers: { 'docker-content-digest': D_NOW, 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, body: new Uint8Array(), url: req.url };
    };
    const svc = createRegistryService({ http, cacheDir: dir });
    const r = await svc.resolve(ref, { maxAgeMs: 0 });
    assert.equal(r.state, 'ok');
    assert.equal(r.state === 'ok' ? r.digest : '', D_NOW, 'the answer from "2099" was used instead of asking the registry');
    assert.equal(r.state === 'ok' ? r.fromCache : true, false);
    assert.ok(asked.some((a) => a.startsWith('HEAD ')), asked.join(', '));
    await svc.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
