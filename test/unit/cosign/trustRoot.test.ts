// Sigstore trusted root: embedded copy, offline mode never touches the network, refresh goes through the HttpClient and degrades.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpClient, HttpRequest } from '../../../server/src/registry/http';
import { fsTufCache } from '../../../server/src/stores/tufCache';
import { SIGSTORE_TUF_MIRROR, embeddedTrustedRoot, loadTrustedRoot } from '../../../server/src/trust/cosign/trustRoot';

function recorder(): { http: HttpClient; calls: HttpRequest[] } {
  const calls: HttpRequest[] = [];
  // Answers like a network that is down: the real transport's shape for a refused connection.
  const http: HttpClient = async (req) => {
    calls.push(req);
    return { ok: false, kind: 'unreachable', message: `cannot reach ${new URL(req.url).host}: connection refused` };
  };
  return { http, calls };
}

test('the embedded trusted root parses and has Fulcio, Rekor and CT keys', () => {
  const r = embeddedTrustedRoot();
  assert.ok(r.ok);
  assert.equal(r.origin, 'embedded');
  assert.ok(r.root.certificateAuthorities.length > 0);
  assert.ok(r.root.tlogs.length > 0);
  assert.ok(r.root.ctlogs.length > 0);
});

test('offline: no request at all, TUF cache seeded from the embedded root, embedded trusted root used', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dt-tuf-'));
  try {
    const { http, calls } = recorder();
    const r = await loadTrustedRoot({ cache: fsTufCache(dir), offline: true, http });
    assert.ok(r.ok);
    assert.equal(calls.length, 0, 'offline mode must not send a single request');
    assert.equal(r.origin, 'embedded');
    assert.match(r.note ?? '', /cache unusable offline/);
    const repoDir = readdirSync(dir);
    assert.deepEqual(repoDir, [encodeURIComponent(new URL(SIGSTORE_TUF_MIRROR).host)]);
    assert.ok(readdirSync(join(dir, repoDir[0] as string)).includes('root.json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('online: the TUF refresh asks the mirror through the HttpClient (capped, with a deadline) and falls back when it is down', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dt-tuf-'));
  try {
    const { http, calls } = recorder();
    const r = await loadTrustedRoot({ cache: fsTufCache(dir), offline: false, http, timeoutMs: 1234 });
    assert.ok(r.ok);
    assert.equal(r.origin, 'embedded');
    assert.match(r.note ?? '', /refresh failed/);
    assert.ok(calls.length >= 1);
    const first = calls[0] as HttpRequest;
    assert.match(first.url, new RegExp(`^${SIGSTORE_TUF_MIRROR.replace(/\./g, '\\.')}/\\d+\\.root\\.json$`));
    assert.ok(first.maxBytes > 0 && first.maxBytes <= 2 * 1024 * 1024);
    assert.equal(first.timeoutMs, 1234);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
