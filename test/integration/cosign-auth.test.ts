// The cosign source as production wires it (createTrustServices: one registry client per repository, pull-scoped auth)
// on a real token-auth docker-registry over TLS: credentials for its own realm only, TLS verified.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReference } from '../../server/src/core/imageRef';
import { createTransport, type Transport } from '../../server/src/registry/transport';
import { NO_CREDENTIALS } from '../../server/src/registry/credentials';
import { parsePolicy } from '../support/policy';
import { createRegistryService } from '../../server/src/registry/service';
import type { CredentialSource } from '../../server/src/registry/credentials';
import { createTrustServices } from '../../server/src/trust/imageLookup';
import { MemoryTrustStore } from '../../server/src/trust/notary/store';
import { embeddedTrustedRoot } from '../../server/src/trust/cosign/trustRoot';
import type { TrustPolicy } from '../../server/src/trust/policy';
import { generateKey, signBundleReferrer, signLegacy } from '../support/cosign';
import { startRegistry, type RegistryHandle } from '../support/registry';

let reg: RegistryHandle;
let transport: Transport;

before(async () => {
  reg = await startRegistry({ auth: 'token', tls: true });
  const tokenHost = new URL(reg.tokenServer?.url ?? 'http://x').host;
  transport = createTransport({ extraCaCerts: { [reg.host]: reg.caPem ?? '' }, insecureHosts: [tokenHost] });
});

after(async () => {
  await transport?.close();
  await reg?.stop();
});

test('signed image behind token auth and TLS: verified with the registry credentials, both layouts', async () => {
  // The test-side helpers push with admin rights; they speak plain node:https with the test CA.
  const key = generateKey();
  const img = await reg.pushImage('team/app', 'v1', { kind: 'oci-index' });
  await signLegacy(reg, 'team/app', img.digest, key);
  await signBundleReferrer(reg, 'team/app', img.digest, img.mediaType, img.manifest.length, key);
  const policy = parsePolicy({ version: 1, images: [{ pattern: `${reg.host}/team/*`, required: true, keys: [{ pem: key.publicKeyPem, tlog: false }] }] }, '/');
  assert.ok(policy.ok);
  const ref = parseReference(`${reg.host}/team/app:v1`);
  assert.ok(ref.ok);
  const creds = async (host: string) => (host === reg.host ? { kind: 'basic' as const, username: reg.username, secret: reg.password } : null);
  const services = (credentials: CredentialSource, p: TrustPolicy) =>
    createTrustServices({
      registry: createRegistryService({ http: transport.http, credentials }),
      http: transport.http,
      credentials,
      insecureRegistries: [],
      policy: p,
      sources: ['cosign'],
      notaryStore: new MemoryTrustStore(),
      trustedRoot: async () => embeddedTrustedRoot(),
      env: {},
      ttlMs: 60_000,
      offline: false,
    });
  const facts = await services(creds, policy.policy).lookup(ref);
  const fact = facts.trust?.[0];
  assert.ok(fact);
  assert.equal(facts.registry?.state === 'ok' ? facts.registry.digest : '', img.digest);
  assert.equal(fact.state, 'signed', JSON.stringify(fact));
  // The bundle (found through the referrers tag: 2.8.2 has no referrers API) is tried before the legacy tag.
  assert.equal(fact.state === 'signed' ? fact.cosign?.discovery : '', 'referrers-tag');
  // Anonymous clients get nothing from this registry: unavailable (access denied), never unsigned.
  const pinned = parseReference(`${reg.host}/team/app@${img.digest}`);
  assert.ok(pinned.ok);
  const denied = (await services(NO_CREDENTIALS, policy.policy).lookup(pinned)).trust?.[0];
  assert.ok(denied);
  assert.equal(denied.state, 'unavailable', JSON.stringify(denied));
  assert.match(denied.state === "unavailable" ? denied.reason : "", /access denied/);
});
