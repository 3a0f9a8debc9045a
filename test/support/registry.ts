// Test support: a real docker-registry (CNCF distribution) on 127.0.0.1 with optional htpasswd or token auth and TLS,
// plus pushing deterministic tiny images over the HTTP API (no docker engine).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createSign, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export type AuthMode = 'none' | 'htpasswd' | 'token';

export interface StartOptions {
  readonly auth?: AuthMode;
  /** Serve https with a throwaway CA (the handle's `caPem`); the certificate names IP 127.0.0.1 and localhost. */
  readonly tls?: boolean;
  /** Token mode: whether anonymous clients get pull access (default false: credentials required). */
  readonly anonymousPull?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

export interface TokenServer {
  readonly url: string;
  /** Every request the token server received. */
  readonly requests: RecordedRequest[];
  /** The refresh token accepted by POST (identity-token flow). */
  readonly refreshToken: string;
}

export interface PlatformChild {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly digest: string;
}

export interface PushedImage {
  /** Digest the tag points to (index digest for lists/indexes). */
  readonly digest: string;
  readonly mediaType: string;
  /** Platform children (lists/indexes only), attestation manifests excluded. */
  readonly children: readonly PlatformChild[];
  /** Digest of the attestation manifest included in an OCI index (skipped by clients). */
  readonly attestationDigest?: string;
  /** The exact manifest bytes pushed for the tag. */
  readonly manifest: Buffer;
}

export type ImageKind = 'schema2' | 'oci' | 'list' | 'oci-index';

export interface RegistryHandle {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** host:port as image references write it. */
  readonly host: string;
  readonly auth: AuthMode;
  readonly username: string;
  readonly password: string;
  /** PEM of the CA that signed the registry's certificate (tls only). */
  readonly caPem: string | undefined;
  readonly tokenServer: TokenServer | undefined;
  readonly dir: string;
  /** Authorization header value with push+pull rights for `repo` (empty for auth 'none'). */
  adminAuthorization(repo: string): string;
  pushBlob(repo: string, bytes: Buffer): Promise<string>;
  pushManifest(repo: string, reference: string, mediaType: string, bytes: Buffer): Promise<string>;
  pushImage(repo: string, tag: string, opts?: { readonly kind?: ImageKind; readonly seed?: string }): Promise<PushedImage>;
  /** Deletes a manifest by digest (storage delete is enabled). */
  deleteManifest(repo: string, digest: string): Promise<number>;
  stop(): Promise<void>;
}

export function sha256(bytes: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(bytes).digest('hex');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function requireBinary(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: install the Debian package ${pkg} (apt-get install -y ${pkg})`);
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A plain HTTP(S) request for the test's own use (pushing, probing); trusts `ca` when given. */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer; ca?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const fn = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = fn(u, { method: opts.method ?? 'GET', headers: { ...(opts.headers ?? {}), ...(opts.body ? { 'content-length': String(opts.body.length) } : {}) }, ...(opts.ca !== undefined ? { ca: opts.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${opts.method ?? 'GET'} ${url}`)));
    req.end(opts.body);
  });
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** An RSA key + self-signed certificate from openssl, for token signing or TLS (san e.g. `IP:127.0.0.1`). */
export async function makeCert(dir: string, name: string, subject: string, san: string | null): Promise<{ key: string; cert: string; keyPath: string; certPath: string }> {
  const keyPath = join(dir, `${name}.key`);
  const certPath = join(dir, `${name}.crt`);
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', subject];
  if (san !== null) args.push('-addext', `subjectAltName=${san}`);
  execFileSync('openssl', args, { stdio: 'ignore' });
  return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8'), keyPath, certPath };
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

function signJwt(keyPem: string, certPem: string, claims: Record<string, unknown>): string {
  const der = new X509Certificate(certPem).raw.toString('base64');
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [der] }));
  const payload = b64url(JSON.stringify(claims));
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${b64url(signer.sign(keyPem))}`;
}

function parseScope(scope: string | null): Access[] {
  if (scope === null) return [];
  const out: Access[] = [];
  for (const s of scope.split(' ')) {
    const [type, ...rest] = s.split(':');
    const actions = rest.pop();
    if (type === undefined || actions === undefined) continue;
    out.push({ type, name: rest.join(':'), actions: actions.split(',') });
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts a real docker-registry on a free loopback port in a temp dir; waits until /v2/ answers. */
export async function startRegistry(options: StartOptions = {}): Promise<RegistryHandle> {
  requireBinary(REGISTRY_BIN, 'docker-registry');
  const auth = options.auth ?? 'none';
  const dir = await mkdtemp(join(tmpdir(), 'dt-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const username = 'tester';
  const password = 'pw-' + randomBytes(6).toString('hex');
  const refreshToken = 'refresh-' + randomBytes(8).toString('hex');
  const service = 'test-registry';
  const issuer = 'test-issuer';
  let tokenHttp: Server | undefined;
  let tokenServer: TokenServer | undefined;
  let signing: { key: string; cert: string; certPath: string } | undefined;
  let child: ChildProcess | undefined;
  let caPem: string | undefined;
  const log: string[] = [];

  const mint = (sub: string, access: Access[]): string => {
    if (signing === undefined) return '';
    const now = Math.floor(Date.now() / 1000);
    return signJwt(signing.key, signing.cert, { iss: issuer, sub, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access });
  };

  const cleanup = async (): Promise<void> => {
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise<void>((r) => child?.once('exit', () => r()));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    if (tokenHttp !== undefined) await new Promise<void>((r) => tokenHttp?.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  };

  try {
    let authYaml = '';
    if (auth === 'htpasswd') {
      requireBinary('/usr/bin/htpasswd', 'apache2-utils');
      const line = execFileSync('htpasswd', ['-Bbn', username, password], { encoding: 'utf8' }).trim();
      await writeFile(join(dir, 'htpasswd'), line + '\n');
      authYaml = `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${join(dir, 'htpasswd')}\n`;
    } else if (auth === 'token') {
      signing = await makeCert(dir, 'token', '/CN=token-issuer', null);
      const requests: RecordedRequest[] = [];
      tokenHttp = createServer((req, res) => {
        void (async () => {
          const body = await readBody(req);
          requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
          const u = new URL(req.url ?? '/', 'http://x');
          let subject: string | null = null;
          let scope = u.searchParams.get('scope');
          if (req.method === 'POST') {
            const form = new URLSearchParams(body);
            scope = form.get('scope');
            if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== refreshToken) {
              res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
              return;
            }
            subject = username;
          } else if (req.headers.authorization !== undefined) {
            const m = /^Basic (.+)$/.exec(req.headers.authorization);
            const decoded = m?.[1] !== undefined ? Buffer.from(m[1], 'base64').toString('utf8') : '';
            if (decoded !== `${username}:${password}`) {
              res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
              return;
            }
            subject = username;
          }
          const requested = parseScope(scope);
          const granted = subject !== null ? requested : options.anonymousPull === true ? requested.map((a) => ({ ...a, actions: a.actions.filter((x) => x === 'pull') })) : [];
          const token = mint(subject ?? 'anonymous', granted);
          const answer = req.method === 'POST' ? { access_token: token, expires_in: 300 } : { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() };
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        })();
      });
      await new Promise<void>((r) => tokenHttp?.listen(0, '127.0.0.1', () => r()));
      const addr = tokenHttp.address();
      const tokenPort = typeof addr === 'object' && addr !== null ? addr.port : 0;
      tokenServer = { url: `http://127.0.0.1:${tokenPort}`, requests, refreshToken };
      authYaml = `auth:\n  token:\n    realm: ${tokenServer.url}/token\n    service: ${service}\n    issuer: ${issuer}\n    rootcertbundle: ${signing.certPath}\n`;
    }
    let tlsYaml = '';
    if (options.tls === true) {
      const tls = await makeCert(dir, 'tls', '/CN=127.0.0.1', 'IP:127.0.0.1,DNS:localhost');
      caPem = tls.cert;
      tlsYaml = `  tls:\n    certificate: ${tls.certPath}\n    key: ${tls.keyPath}\n`;
    }
    const config =
      `version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n` +
      `storage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\n` +
      `http:\n  addr: ${host}\n  secret: ${randomBytes(8).toString('hex')}\n${tlsYaml}` +
      authYaml;
    await writeFile(join(dir, 'config.yml'), config);
    child = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => {
      if (log.length < 200) log.push(d.toString('utf8'));
    });
    const scheme = options.tls === true ? 'https' : 'http';
    const url = `${scheme}://${host}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${log.join('').slice(-2000)}`);
      try {
        const r = await rawRequest(`${url}/v2/`, caPem !== undefined ? { ca: caPem } : {});
        if (r.status === 200 || (auth !== 'none' && r.status === 401)) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`docker-registry did not become ready on ${host}: ${log.join('').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    const adminAuthorization = (repo: string): string => {
      if (auth === 'htpasswd') return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
      if (auth === 'token') return 'Bearer ' + mint('admin', [{ type: 'repository', name: repo, actions: ['pull', 'push', 'delete'] }]);
      return '';
    };
    const send = async (repo: string, path: string, init: { method: string; headers?: Record<string, string>; body?: Buffer }): Promise<RawResponse> => {
      const a = adminAuthorization(repo);
      const headers = { ...(init.headers ?? {}), ...(a !== '' ? { authorization: a } : {}) };
      return rawRequest(path.startsWith('http') ? path : url + path, { method: init.method, headers, ...(init.body !== undefined ? { body: init.body } : {}), ...(caPem !== undefined ? { ca: caPem } : {}) });
    };

    const pushBlob = async (repo: string, bytes: Buffer): Promise<string> => {
      const digest = sha256(bytes);
      const start = await send(repo, `/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      if (start.status !== 202) throw new Error(`blob upload start for ${repo}: ${start.status} ${start.body.toString()}`);
      const location = new URL(String(start.headers.location), url);
      location.searchParams.set('digest', digest);
      const put = await send(repo, location.toString(), { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
      if (put.status !== 201) throw new Error(`blob upload for ${repo}: ${put.status} ${put.body.toString()}`);
      return digest;
    };
    const pushManifest = async (repo: string, reference: string, mediaType: string, bytes: Buffer): Promise<string> => {
      const put = await send(repo, `/v2/${repo}/manifests/${reference}`, { method: 'PUT', headers: { 'content-type': mediaType }, body: bytes });
      if (put.status !== 201) throw new Error(`manifest push ${repo}:${reference}: ${put.status} ${put.body.toString()}`);
      const digest = String(put.headers['docker-content-digest'] ?? '');
      if (digest !== sha256(bytes)) throw new Error(`registry answered digest ${digest} for manifest ${sha256(bytes)}`);
      return digest;
    };

    const pushSingle = async (repo: string, oci: boolean, os: string, arch: string, variant: string | undefined, seed: string): Promise<{ digest: string; bytes: Buffer; mediaType: string }> => {
      const layer = Buffer.from(`layer ${repo} ${os}/${arch}${variant ?? ''} ${seed}\n`);
      const layerDigest = await pushBlob(repo, layer);
      const config = Buffer.from(JSON.stringify({ architecture: arch, os, ...(variant !== undefined ? { variant } : {}), rootfs: { type: 'layers', diff_ids: [layerDigest] }, config: {} }));
      const configDigest = await pushBlob(repo, config);
      const mediaType = oci ? MT.ociManifest : MT.dockerManifest;
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType,
          config: { mediaType: oci ? MT.ociConfig : MT.dockerConfig, size: config.length, digest: configDigest },
          layers: [{ mediaType: oci ? MT.ociLayer : MT.dockerLayer, size: layer.length, digest: layerDigest }],
        }),
      );
      const digest = await pushManifest(repo, sha256(manifest), mediaType, manifest);
      return { digest, bytes: manifest, mediaType };
    };

    const pushImage = async (repo: string, tag: string, opts: { readonly kind?: ImageKind; readonly seed?: string } = {}): Promise<PushedImage> => {
      const kind = opts.kind ?? 'schema2';
      const seed = opts.seed ?? 'v1';
      if (kind === 'schema2' || kind === 'oci') {
        const one = await pushSingle(repo, kind === 'oci', 'linux', 'amd64', undefined, seed);
        const digest = await pushManifest(repo, tag, one.mediaType, one.bytes);
        return { digest, mediaType: one.mediaType, children: [], manifest: one.bytes };
      }
      const oci = kind === 'oci-index';
      const platforms: { os: string; architecture: string; variant?: string }[] = [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
      ];
      const children: PlatformChild[] = [];
      const entries: Record<string, unknown>[] = [];
      for (const p of platforms) {
        const one = await pushSingle(repo, oci, p.os, p.architecture, p.variant, seed);
        children.push({ ...p, digest: one.digest });
        entries.push({ mediaType: one.mediaType, size: one.bytes.length, digest: one.digest, platform: p });
      }
      let attestationDigest: string | undefined;
      if (oci) {
        // BuildKit-style attestation manifest: platform unknown/unknown, annotated; clients must skip it.
        const att = await pushSingle(repo, true, 'unknown', 'unknown', undefined, seed + '-attestation');
        attestationDigest = att.digest;
        entries.push({
          mediaType: MT.ociManifest,
          size: att.bytes.length,
          digest: att.digest,
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': children[0]?.digest ?? '' },
        });
      }
      const mediaType = oci ? MT.ociIndex : MT.dockerList;
      const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries }));
      const digest = await pushManifest(repo, tag, mediaType, manifest);
      return { digest, mediaType, children, ...(attestationDigest !== undefined ? { attestationDigest } : {}), manifest };
    };

    const deleteManifest = async (repo: string, digest: string): Promise<number> => (await send(repo, `/v2/${repo}/manifests/${digest}`, { method: 'DELETE' })).status;

    return {
      url,
      host,
      auth,
      username,
      password,
      caPem,
      tokenServer,
      dir,
      adminAuthorization,
      pushBlob,
      pushManifest,
      pushImage,
      deleteManifest,
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** GETs a manifest (null on 404), with the admin credential. */
export async function getManifest(reg: RegistryHandle, repo: string, reference: string, accept: string): Promise<Buffer | null> {
  const auth = reg.adminAuthorization(repo);
  const r = await rawRequest(`${reg.url}/v2/${repo}/manifests/${reference}`, {
    headers: { accept, ...(auth !== '' ? { authorization: auth } : {}) },
    ...(reg.caPem !== undefined ? { ca: reg.caPem } : {}),
  });
  if (r.status === 404) return null;
  if (r.status !== 200) throw new Error(`GET manifest ${repo}:${reference}: ${r.status}`);
  return r.body;
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/**
 * Attaches an artifact to `subject` as an OCI referrer (a manifest with `subject`, an empty config and one layer) and,
 * as a client does on a registry without the referrers API (distribution 2.x), lists it in the referrers tag index
 * `sha256-<hex>`. `announceInIndex` copies the annotations into the index entry, as the referrers API does.
 */
export async function attachReferrer(
  reg: RegistryHandle,
  repo: string,
  subject: Descriptor,
  o: { readonly artifactType: string; readonly layer: { readonly mediaType: string; readonly bytes: Buffer }; readonly annotations?: Record<string, string>; readonly announceInIndex?: boolean },
): Promise<{ manifestDigest: string; manifest: Buffer }> {
  const layerDigest = await reg.pushBlob(repo, o.layer.bytes);
  const empty = Buffer.from('{}');
  const emptyDigest = await reg.pushBlob(repo, empty);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      artifactType: o.artifactType,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: emptyDigest, size: empty.length },
      layers: [{ mediaType: o.layer.mediaType, digest: layerDigest, size: o.layer.bytes.length }],
      subject,
      ...(o.annotations !== undefined ? { annotations: o.annotations } : {}),
    }),
  );
  const manifestDigest = await reg.pushManifest(repo, sha256(manifest), MT.ociManifest, manifest);
  const tag = `sha256-${subject.digest.replace(/^sha256:/, '')}`;
  const existing = await getManifest(reg, repo, tag, MT.ociIndex);
  const manifests: unknown[] = existing ? ((JSON.parse(existing.toString()) as { manifests?: unknown[] }).manifests ?? []) : [];
  manifests.push({ mediaType: MT.ociManifest, digest: manifestDigest, size: manifest.length, artifactType: o.artifactType, ...(o.announceInIndex === true && o.annotations !== undefined ? { annotations: o.annotations } : {}) });
  await reg.pushManifest(repo, tag, MT.ociIndex, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests })));
  return { manifestDigest, manifest };
}
