// The wired cosign source (createCosignTrustSource) on a real token-auth docker-registry over TLS: pull-scoped auth, verified TLS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReference } from '../../server/src/core/imageRef';
import { createTransport, type Transport } from '../../server/src/registry/transport';
import { NO_CREDENTIALS } from '../../server/src/registry/credentials';
import { parsePolicy } from '../../server/src/trust/cosign/policy';
import { createCosignTrustSource } from '../../server/src/trust/cosign/source';
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
  const src = createCosignTrustSource({ http: transport.http, credentials: creds, policy: policy.policy, tuf: { offline: true } });
  const fact = await src.lookup(ref, img.digest);
  assert.equal(fact.state, 'signed', JSON.stringify(fact));
  // The bundle (found through the referrers tag: 2.8.2 has no referrers API) is tried before the legacy tag.
  assert.equal(fact.state === 'signed' ? fact.cosign?.discovery : '', 'referrers-tag');
  // Anonymous clients get nothing from this registry: unavailable (access denied), never unsigned.
  const anon = createCosignTrustSource({ http: transport.http, credentials: NO_CREDENTIALS, policy: policy.policy, tuf: { offline: true } });
  const denied = await anon.lookup(ref, img.digest);
  assert.equal(denied.state, 'unavailable', JSON.stringify(denied));
  assert.match(denied.state === "unavailable" ? denied.reason : "", /access denied/);
});
