// Every kind of request through a real HTTP proxy (tinyproxy, with Basic authentication) on loopback: registry
// (manifest HEAD/GET over TLS), bearer token, Notary, Sigstore TUF, ADD --checksum downloads. NO_PROXY bypasses
// it; TLS to the registry is verified end to end through the CONNECT tunnel; proxy credentials reach the proxy
// only. The CLI reads HTTPS_PROXY/HTTP_PROXY/NO_PROXY; the editor's http.proxy reaches the language server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import seeds from '@sigstore/tuf/seeds.json';
import { compose, type Composed } from '../../server/src/compose';
import { parseReference, type ParsedReference } from '../../server/src/core/imageRef';
import { normalizeSettings } from '../../server/src/protocol';
import { proxySettingsFromEnv, type ProxySettings } from '../../server/src/registry/proxy';
import { createTransport } from '../../server/src/registry/transport';
import { fsTufCache } from '../../server/src/stores/tufCache';
import { loadTrustedRoot, SIGSTORE_TUF_MIRROR } from '../../server/src/trust/cosign/trustRoot';
import { main } from '../../server/src/cli/main';
import { startProxy, type ProxyHandle } from '../support/proxy';
import { makeCert, startRegistry, type PushedImage, type RegistryHandle } from '../support/registry';
import { startNotaryServer, type Running } from '../support/notary';
import { startLsp } from '../support/lsp';

const USER = 'proxy-user';
// tinyproxy's BasicAuth takes letters and digits only (URL-encoding of other characters is covered in test/unit/registry/proxy.test.ts).
const PASSWORD = 'pr0xyPassw0rd';
const auth = (u: string, p: string): string => `http://${encodeURIComponent(u)}:${encodeURIComponent(p)}@127.0.0.1`;

let dir: string;
let proxy: ProxyHandle;
let reg: RegistryHandle;
let notary: Running;
let pushed: PushedImage;
let origin: HttpsServer;
let originHost: string;
let originCert: string;
const originSeen: IncomingHttpHeaders[] = [];
let tuf: Server;
let tufHost: string;
const tufSeen: string[] = [];
const FILE = Buffer.from('a file fetched once for ADD --checksum\n');

function listen(s: Server | HttpsServer): Promise<number> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dft-proxy-it-'));
  proxy = await startProxy({ user: USER, password: PASSWORD });
  reg = await startRegistry({ auth: 'token', tls: true });
  pushed = await reg.pushImage('team/app', '1.0');
  notary = await startNotaryServer();
  const cert = await makeCert(dir, 'origin', '/CN=127.0.0.1', 'IP:127.0.0.1');
  originCert = cert.certPath;
  origin = createHttpsServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    originSeen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(FILE);
  });
  originHost = `127.0.0.1:${await listen(origin)}`;
  tuf = createHttpServer((req, res) => {
    tufSeen.push(req.url ?? '');
    res.writeHead(404);
    res.end();
  });
  tufHost = `127.0.0.1:${await listen(tuf)}`;
  fs.writeFileSync(path.join(dir, 'registry-ca.pem'), reg.caPem ?? '');
  // The registry's credentials, as docker keeps them (they go to the registry's token server, never to the proxy).
  fs.mkdirSync(path.join(dir, 'docker'));
  fs.writeFileSync(path.join(dir, 'docker', 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`${reg.username}:${reg.password}`).toString('base64') } } }));
});

after(async () => {
  await Promise.all([proxy?.stop(), reg?.stop(), notary?.stop(), new Promise((r) => origin?.close(r)), new Promise((r) => tuf?.close(r))]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const tokenHost = (): string => new URL(reg.tokenServer!.url).host;

async function composeWith(proxySettings: ProxySettings, opts: { ca?: boolean } = {}): Promise<Composed> {
  const settings = normalizeSettings({
    registries: {
      ...(opts.ca !== false ? { [reg.host]: { caFile: path.join(dir, 'registry-ca.pem') } } : {}),
      [tokenHost()]: { insecureHttp: true },
      [originHost]: { caFile: originCert },
    },
    notary: { servers: { [reg.host]: notary.url } },
    trust: { sources: ['notary'], policy: [{ pattern: `${reg.host}/team/*`, required: true }] },
  });
  return compose({ settings: settings.machine, storageDir: fs.mkdtempSync(path.join(dir, 'store-')), env: { DOCKER_CONFIG: path.join(dir, 'docker'), PATH: process.env['PATH'] }, log: () => undefined, proxy: proxySettings });
}

function ref(): ParsedReference {
  const r = parseReference(`${reg.host}/team/app:1.0`);
  assert.ok(r.ok);
  return r;
}

const proxied = (extra: Record<string, string> = {}): ProxySettings =>
  proxySettingsFromEnv({ HTTPS_PROXY: `${auth(USER, PASSWORD)}:${proxy.port}`, HTTP_PROXY: `${auth(USER, PASSWORD)}:${proxy.port}`, ...extra });

test('registry (TLS, bearer token), Notary and ADD --checksum downloads all go through the proxy; credentials stay where they belong', async () => {
  const before = proxy.tunnels().length;
  const c = await composeWith(proxied());
  try {
    assert.deepEqual(c.problems, []);
    const facts = await c.lookup.lookup(ref());
    assert.equal(facts.registry?.state, 'ok', JSON.stringify(facts.registry));
    if (facts.registry?.state === 'ok') assert.equal(facts.registry.digest, pushed.digest);
    // Notary answered (no trust data for this repository: a real answer from the server, through the proxy).
    const notaryFact = facts.trust?.find((t) => t.source === 'notary');
    assert.ok(notaryFact !== undefined && notaryFact.state !== 'unavailable', JSON.stringify(facts.trust));
    const sum = await c.checksum(`https://${originHost}/file.tgz`);
    assert.ok(sum.ok, JSON.stringify(sum));
    if (sum.ok) assert.equal(sum.digest, `sha256:${createHash('sha256').update(FILE).digest('hex')}`);
  } finally {
    await c.close();
  }
  const tunnels = proxy.tunnels().slice(before);
  for (const host of [reg.host, tokenHost(), new URL(notary.url).host, originHost]) assert.ok(tunnels.includes(host), `a CONNECT tunnel to ${host}: ${tunnels.join(', ')}`);
  // Plain-http hosts (token server, Notary) were tunnelled too: the proxy never saw a request line or header of ours.
  assert.deepEqual(proxy.requests().filter((r) => !r.startsWith('CONNECT ')), []);
  // Proxy credentials went to the proxy only: neither the download server nor the token server saw them.
  assert.ok(originSeen.length > 0);
  for (const h of originSeen) assert.equal(h['proxy-authorization'], undefined);
  for (const r of reg.tokenServer!.requests) assert.ok(r.authorization === undefined || !r.authorization.includes(Buffer.from(`${USER}:${PASSWORD}`).toString('base64')));
});

test('Sigstore TUF requests go through the proxy', async () => {
  const t = createTransport({ insecureHosts: [tufHost], proxy: proxied() });
  const before = proxy.tunnels().length;
  tufSeen.length = 0;
  try {
    const seed = (seeds as Record<string, { 'root.json': string }>)[SIGSTORE_TUF_MIRROR]!;
    const r = await loadTrustedRoot({ offline: false, http: t.http, mirrorUrl: `http://${tufHost}`, initialRoot: Buffer.from(seed['root.json'], 'base64'), cache: fsTufCache(fs.mkdtempSync(path.join(dir, 'tuf-'))) });
    // The mirror has nothing: the update fails, never silently falls back; what matters here is the route.
    assert.equal(r.ok, false);
  } finally {
    await t.close();
  }
  assert.ok(tufSeen.length > 0, 'the TUF mirror was asked');
  assert.ok(proxy.tunnels().slice(before).includes(tufHost), 'through the proxy');
});

test('NO_PROXY: listed hosts are reached directly, the others still through the proxy', async () => {
  const before = proxy.tunnels().length;
  const c = await composeWith(proxied({ NO_PROXY: `${reg.host}, ${originHost.split(':')[0]}:${originHost.split(':')[1]}` }));
  try {
    assert.equal((await c.lookup.lookup(ref())).registry?.state, 'ok');
    assert.ok((await c.checksum(`https://${originHost}/file.tgz`)).ok);
  } finally {
    await c.close();
  }
  const tunnels = proxy.tunnels().slice(before);
  assert.ok(!tunnels.includes(reg.host), `registry bypassed: ${tunnels.join(', ')}`);
  assert.ok(!tunnels.includes(originHost), 'download server bypassed');
  assert.ok(tunnels.includes(tokenHost()), 'the token server is not listed: still proxied');
});

test('TLS is verified end to end through the tunnel: without the registry CA the lookup fails as a TLS error', async () => {
  const before = proxy.tunnels().length;
  const c = await composeWith(proxied(), { ca: false });
  try {
    const facts = await c.lookup.lookup(ref());
    assert.equal(facts.registry?.state, 'error');
    if (facts.registry?.state === 'error') {
      assert.equal(facts.registry.kind, 'tls', facts.registry.message);
    }
  } finally {
    await c.close();
  }
  assert.ok(proxy.tunnels().slice(before).includes(reg.host), 'the tunnel was opened; the certificate was checked inside it');
});

test('wrong proxy credentials: a clear 407 message without the password, and no request goes around the proxy', async () => {
  const c = await composeWith(proxySettingsFromEnv({ HTTPS_PROXY: `${auth(USER, 'wrong-password')}:${proxy.port}`, HTTP_PROXY: `${auth(USER, 'wrong-password')}:${proxy.port}` }));
  try {
    const facts = await c.lookup.lookup(ref());
    assert.equal(facts.registry?.state, 'error');
    const msg = facts.registry?.state === 'error' ? facts.registry.message : '';
    assert.match(msg, /proxy asked for authentication \((401|407)\): check the proxy credentials/);
    assert.doesNotMatch(msg, /wrong-password/);
    const sum = await c.checksum(`https://${originHost}/file.tgz`);
    assert.ok(!sum.ok);
  } finally {
    await c.close();
  }
  // An unusable proxy setting is a configuration problem, and requests fail rather than go direct.
  const socks = await composeWith(proxySettingsFromEnv({ HTTPS_PROXY: 'socks5://127.0.0.1:1080' }));
  try {
    assert.match(socks.problems.join('\n'), /socks5 proxies are not supported/);
    const r = await socks.checksum(`https://${originHost}/file.tgz`);
    assert.ok(!r.ok && /not supported/.test(r.message));
  } finally {
    await socks.close();
  }
});

test('the CLI honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY from its environment', async () => {
  const saved = { ...process.env };
  Object.assign(process.env, { HTTPS_PROXY: `${auth(USER, PASSWORD)}:${proxy.port}`, HTTP_PROXY: `${auth(USER, PASSWORD)}:${proxy.port}`, DOCKER_CONFIG: path.join(dir, 'docker') });
  delete process.env['NO_PROXY'];
  delete process.env['no_proxy'];
  const work = fs.mkdtempSync(path.join(dir, 'cli-'));
  fs.writeFileSync(path.join(work, 'Dockerfile'), `FROM ${reg.host}/team/app:1.0\n`);
  let out = '';
  let err = '';
  const before = proxy.tunnels().length;
  try {
    const code = await main(['check', '--network', '--format', 'json', '--ca', `${reg.host}=${path.join(dir, 'registry-ca.pem')}`, '--insecure-registry', tokenHost(), '--cache-dir', path.join(work, 'cache'), 'Dockerfile'], {
      cwd: work,
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
      isTTY: false,
    });
    assert.equal(code, 1, err);
  } finally {
    process.env = saved;
  }
  const images = (JSON.parse(out) as { files: { images: { reference: string; headline: string }[] }[] }).files[0]!.images;
  // The registry answered with the pushed digest: the lookup went through the proxy and succeeded.
  assert.ok(JSON.stringify(images).includes(pushed.digest), JSON.stringify(images));
  assert.ok(proxy.tunnels().slice(before).includes(reg.host));
  assert.doesNotMatch(out + err, /pr0xyPassw0rd/);
});

test('the editor: VS Code\'s http.proxy (passed by the client) routes the language server\'s lookups', async () => {
  const before = proxy.tunnels().length;
  const work = fs.mkdtempSync(path.join(dir, 'lsp-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: path.join(dir, 'docker'), DFT_EDITOR_HTTP: JSON.stringify({ proxy: `${auth(USER, PASSWORD)}:${proxy.port}`, proxyStrictSSL: true, noProxy: [] }) };
  delete env['HTTPS_PROXY'];
  delete env['HTTP_PROXY'];
  const c = await startLsp({ env, settings: { registries: { [reg.host]: { caFile: path.join(dir, 'registry-ca.pem') }, [tokenHost()]: { insecureHttp: true } }, trust: { sources: [] } } });
  try {
    const uri = pathToFileURL(path.join(work, 'Dockerfile')).toString();
    c.open(uri, `FROM ${reg.host}/team/app:1.0\n`);
    const deadline = Date.now() + 20_000;
    while (!proxy.tunnels().slice(before).includes(reg.host) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.ok(proxy.tunnels().slice(before).includes(reg.host), `tunnels: ${proxy.tunnels().slice(before).join(', ')}`);
  } finally {
    await c.stop();
  }
});
