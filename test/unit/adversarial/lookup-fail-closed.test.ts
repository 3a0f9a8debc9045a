// Adversarial review: an image a required policy entry covers never ends up with "no facts" (quiet rules, CLI exit 0).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../server/src/core/analyze';
import type { RegistryFact } from '../../../server/src/core/facts';
import { parseReference, type ParsedReference } from '../../../server/src/core/imageRef';
import type { RegistryService } from '../../../server/src/registry';
import { createTrustServices } from '../../../server/src/trust/imageLookup';
import { parsePolicy, type Policy } from '../../support/policy';
import { MemoryTrustStore } from '../../../server/src/trust/notary/store';
import { embeddedTrustedRoot } from '../../../server/src/trust/cosign/trustRoot';
import { D1 } from '../../support/registryFacts';

const KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEU+3OgGNhrK7E8ExaK6ykofFSOYG
nfv//NipfdADrCgpy9dwZcDizQjJlmO/ycg4xliL9ZMJz7ZNqru2KNYtdQ==
-----END PUBLIC KEY-----`;

function fakeRegistry(resolve: (ref: ParsedReference) => Promise<RegistryFact>): RegistryService {
  return {
    resolve: (ref) => resolve(ref),
    resolveAll: async () => ({ get: () => undefined }),
    peek: () => undefined,
    facts: () => ({ get: () => undefined }),
    setOffline: () => undefined,
    rateLimits: () => new Map(),
    stats: { requests: 0, networkLookups: 0, cacheHits: 0 },
    clear: () => undefined,
    flush: async () => undefined,
    dispose: async () => undefined,
  };
}

const ok = async (): Promise<RegistryFact> => ({ state: 'ok', registry: 'corp.example', digest: D1, mediaType: 'application/vnd.oci.image.manifest.v1+json', isIndex: false, platforms: [], lookedUpAt: new Date().toISOString(), fromCache: false });

function services(policy: Policy, sources: readonly ('notary' | 'cosign')[], registry: RegistryService) {
  return createTrustServices({
    registry,
    http: async () => ({ ok: false, kind: 'unreachable', message: 'no network in this test' }),
    credentials: async () => null,
    insecureRegistries: [],
    policy,
    sources,
    notaryStore: new MemoryTrustStore(),
    trustedRoot: async () => embeddedTrustedRoot(),
    env: {},
    ttlMs: 60_000,
    offline: false,
  });
}

function policyOf(entry: Record<string, unknown>): Policy {
  const p = parsePolicy({ version: 1, images: [entry] }, '/');
  assert.ok(p.ok, p.ok ? '' : p.errors.join('; '));
  return p.policy;
}

const ref = (s: string): ParsedReference => {
  const r = parseReference(s);
  assert.ok(r.ok);
  return r;
};

async function dt401(lookup: ReturnType<typeof services>, text: string): Promise<{ severity: string; message: string } | undefined> {
  const r = ref(text.replace(/^FROM /, '').trim());
  await lookup.lookup(r);
  const facts = { get: (x: ParsedReference) => lookup.peek(x), now: new Date() };
  return analyze(text, { facts }).findings.find((f) => f.code === 'DT401');
}

test('a required entry whose trust source is turned off is "cannot be checked", not "no policy" (adversarial review)', async () => {
  // Notary-only entry (no keys), Notary turned off in dockerfileTrust.trust.sources.
  const n = services(policyOf({ pattern: 'corp.example/**', required: true }), ['cosign'], fakeRegistry(ok));
  const f1 = await dt401(n, 'FROM corp.example/app:1\n');
  assert.ok(f1, 'a required image with no applicable trust source was silently accepted');
  assert.match(f1.message, /cannot be checked: the policy entry "corp.example\/\*\*" requires a Notary signature, but that trust source is turned off/);
  // cosign entry (a key), cosign turned off.
  const c = services(policyOf({ pattern: 'corp.example/**', required: true, keys: [{ pem: KEY }] }), ['notary'], fakeRegistry(ok));
  const f2 = await dt401(c, 'FROM corp.example/app:1\n');
  assert.ok(f2, 'a required image with cosign turned off was silently accepted');
  assert.match(f2.message, /requires a cosign signature, but that trust source is turned off/);
});

test('an unexpected failure inside a lookup keeps the policy and says "cannot be checked" (adversarial review)', async () => {
  const broken = services(policyOf({ pattern: 'corp.example/**', required: true }), ['notary', 'cosign'], fakeRegistry(() => Promise.reject(new Error('boom'))));
  const r = ref('corp.example/app:1');
  const facts = await broken.lookup(r);
  assert.equal(facts.policy?.required, true);
  assert.ok(broken.peek(r) !== undefined, 'the CLI reads answers back with peek: an empty cache leaves every rule quiet');
  const f = await dt401(broken, 'FROM corp.example/app:1\n');
  assert.ok(f);
  assert.match(f.message, /cannot be checked: internal error while looking up trust data: boom/);
});
