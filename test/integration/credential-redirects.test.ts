// Issue 12 #4: no request that carries a credential (header or body) is ever sent to another origin. Every
// request kind that carries credentials is redirected with 301/302/303/307/308 to a recording server.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, describe, test } from 'node:test';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import { createAuthenticatedClient, TokenCache } from '../../server/src/registry/auth';
import type { Credential, CredentialSource } from '../../server/src/registry/credentials';
import { checksumOfUrl } from '../../server/src/registry/download';
import { createRegistryService } from '../../server/src/registry/service';
import { createTransport, type Transport } from '../../server/src/registry/transport';
import { FileTrustStore } from '../../server/src/stores/notaryTrust';
import { configuredServer, NotaryTrustSource } from '../../server/src/trust/notary/source';
import { startHostile, type HostileServer } from '../support/hostile';
import { makeCert } from '../support/registry';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SECRET = 'hunter2-very-secret';
const REFRESH = 'refresh-token-very-secret';
const STATUSES = [301, 302, 303, 307, 308] as const;
const BASIC: Credential = { kind: 'basic', username: 'me', secret: SECRET };
const IDENTITY: Credential = { kind: 'identity-token', token: REFRESH };
const basicHeader = 'Basic ' + Buffer.from(`me:${SECRET}`).toString('base64');

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function server(handler: (req: IncomingMessage, res: ServerResponse) => unknown, tls?: { key: string; cert: string }): Promise<HostileServer> {
  const s = await startHostile(handler, tls);
  cleanups.push(() => s.stop());
  return s;
}

function transport(hosts: readonly string[], extraCaCerts?: Record<string, string>): Transport {
  const t = createTransport({ insecureHosts: hosts, ...(extraCaCerts !== undefined ? { extraCaCerts } : {}) });
  cleanups.push(() => t.close());
  return t;
}

function ref(text: string): ParsedReference {
  const r = parseReference(text);
  assert.ok(r.ok);
  return r;
}

/** The recording server on another origin: answers every request with a 200 JSON body (a token, a manifest-ish object). */
async function elsewhere(): Promise<HostileServer> {
  return server((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"from-elsewhere","access_token":"from-elsewhere"}');
  });
}

/** Nothing the credentials could be recognised by reached the other origin: no Authorization header, no secret in any body or URL. */
function assertNothingLeaked(other: HostileServer, what: string): void {
  for (const r of other.received) {
    assert.equal(r.headers.authorization, undefined, `${what}: Authorization reached another origin (${r.method} ${r.url})`);
    assert.equal(r.headers.cookie, undefined, `${what}: a cookie reached another origin`);
    for (const secret of [SECRET, REFRESH, Buffer.from(`me:${SECRET}`).toString('base64')]) {
      assert.ok(!r.body.includes(secret), `${what}: a credential reached another origin in a body (${r.method} ${r.url})`);
      assert.ok(!r.url.includes(secret), `${what}: a credential reached another origin in a URL`);
    }
  }
}

describe('credentials never follow a redirect to another origin', () => {
  for (const status of STATUSES) {
    test(`manifest request with Basic credentials, ${status}`, async () => {
      const other = await elsewhere();
      const registry = await server((req, res) => {
        if (req.headers.authorization !== basicHeader) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
        res.writeHead(status, { location: `${other.url}${req.url ?? '/'}` }).end();
      });
      const credentials: CredentialSource = async (h) => (h === registry.host ? BASIC : null);
      const t = transport([registry.host, other.host]);
      const service = createRegistryService({ http: t.http, credentials, insecureRegistries: [registry.host], timeoutMs: 3000 });
      cleanups.push(() => service.dispose());
      await service.resolve(ref(`${registry.host}/private/app:1`));
      assert.ok(registry.received.some((r) => r.headers.authorization === basicHeader), 'the registry itself got the credentials');
      assert.ok(other.received.length > 0, 'the redirect was followed (without credentials)');
      assertNothingLeaked(other, `manifest ${status}`);
    });

    test(`blob request with a Bearer token, ${status}`, async () => {
      const other = await elsewhere();
      const realm = await server((req, res) => {
        if (req.headers.authorization !== basicHeader) return void res.writeHead(401).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"pull-token-very-secret"}');
      });
      const registry = await server((req, res) => {
        if (req.headers.authorization !== 'Bearer pull-token-very-secret') {
          return void res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.url}/token",service="reg",scope="repository:app:pull"` }).end();
        }
        // Registries hand blobs to a storage backend on another origin: the token must stay here.
        res.writeHead(status, { location: `${other.url}/storage/blob?sig=x` }).end();
      });
      const t = transport([registry.host, other.host, realm.host]);
      const client = createAuthenticatedClient({ http: t.http, credentialHost: registry.host, credentialOrigin: registry.url, credentials: async () => BASIC, scope: 'repository:app:pull', tokens: new TokenCache() });
      const res = await client({ url: `${registry.url}/v2/app/blobs/sha256:${'a'.repeat(64)}`, maxBytes: 1 << 20, timeoutMs: 3000 });
      assert.ok(res.ok && res.status === 200, 'the blob came from the storage origin');
      assert.ok(other.received.length > 0);
      for (const r of other.received) assert.ok(!JSON.stringify(r.headers).includes('pull-token-very-secret'), 'the bearer token reached the storage origin');
      assertNothingLeaked(other, `blob ${status}`);
    });

    test(`token GET with Basic credentials, ${status}`, async () => {
      const other = await elsewhere();
      const realm = await server((req, res) => {
        if (req.headers.authorization === undefined) return void res.writeHead(401).end();
        res.writeHead(status, { location: `${other.url}/token${(req.url ?? '').replace(/^[^?]*/, '')}` }).end();
      });
      const registry = await server((_req, res) => {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.url}/token",service="reg"` }).end();
      });
      const t = transport([registry.host, other.host, realm.host]);
      const client = createAuthenticatedClient({ http: t.http, credentialHost: registry.host, credentialOrigin: registry.url, credentials: async () => BASIC, scope: 'repository:app:pull', tokens: new TokenCache() });
      await client({ url: `${registry.url}/v2/app/manifests/1`, method: 'HEAD', maxBytes: 0, timeoutMs: 3000 });
      assert.ok(realm.received.some((r) => r.headers.authorization === basicHeader), 'the realm got the credentials');
      assertNothingLeaked(other, `token GET ${status}`);
    });

    test(`token POST with an identity token in the body, ${status}`, async () => {
      const other = await elsewhere();
      const realm = await server((req, res) => {
        res.writeHead(status, { location: `${other.url}/oauth/token` }).end();
        void req;
      });
      const registry = await server((_req, res) => {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm.url}/token",service="reg"` }).end();
      });
      const t = transport([registry.host, other.host, realm.host]);
      const client = createAuthenticatedClient({ http: t.http, credentialHost: registry.host, credentialOrigin: registry.url, credentials: async () => IDENTITY, scope: 'repository:app:pull', tokens: new TokenCache() });
      const res = await client({ url: `${registry.url}/v2/app/manifests/1`, method: 'HEAD', maxBytes: 0, timeoutMs: 3000 });
      assert.ok(realm.received.some((r) => r.method === 'POST' && r.body.includes(REFRESH)), 'the realm got the refresh-token grant');
      assertNothingLeaked(other, `token POST ${status}`);
      if (status === 307 || status === 308) {
        // Method and body would be replayed: the redirect is refused, clearly.
        assert.equal(other.received.length, 0);
        assert.equal(res.ok, false);
        if (!res.ok) {
          assert.equal(res.kind, 'redirect-refused');
          assert.match(res.message, /carries credentials in its body/);
          assert.ok(!res.message.includes(REFRESH));
        }
      } else {
        // 301/302/303 turn the POST into a GET without its body: followed, nothing of the grant goes along.
        for (const r of other.received) assert.equal(r.method, 'GET');
      }
    });

    test(`Notary metadata request with credentials, ${status}`, async () => {
      const other = await elsewhere();
      const notary = await server((req, res) => {
        if (req.headers.authorization !== basicHeader) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="notary"' }).end();
        res.writeHead(status, { location: `${other.url}${req.url ?? '/'}` }).end();
      });
      const t = transport([notary.host, other.host]);
      const dir = mkdtempSync(join(tmpdir(), 'dft-redirect-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const http = createAuthenticatedClient({ http: t.http, credentialHost: 'corp.example', credentialOrigin: notary.url, credentials: async () => BASIC, scope: 'repository:corp.example/app:pull', tokens: new TokenCache() });
      const src = new NotaryTrustSource({ http, store: new FileTrustStore(dir), server: configuredServer(notary.url), timeoutMs: 3000 });
      const fact = await src.lookup(ref('corp.example/app:1'));
      assert.notEqual(fact.state, 'signed');
      assert.ok(notary.received.some((r) => r.headers.authorization === basicHeader));
      assertNothingLeaked(other, `notary ${status}`);
    });

    test(`checksum download (no credentials at all), ${status}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'dft-redirect-tls-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const cert = await makeCert(dir, 'tls', '/CN=127.0.0.1', 'IP:127.0.0.1');
      const tls = { key: cert.key, cert: cert.cert };
      const other = await server((req, res) => void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(`bytes of ${req.url ?? ''}`), tls);
      const origin = await server((_req, res) => void res.writeHead(status, { location: `${other.url}/file.tar.gz` }).end(), tls);
      const t = transport([], { [origin.host]: cert.cert, [other.host]: cert.cert });
      const r = await checksumOfUrl(t.http, `${origin.url}/file.tar.gz`, { timeoutMs: 3000 });
      assert.ok(r.ok, r.ok ? '' : r.message);
      for (const rec of [...origin.received, ...other.received]) assert.equal(rec.headers.authorization, undefined, 'the checksum fetch never sends credentials');
    });
  }
});
