// Test support for Notary v1: real notary-server + docker-registry on loopback, the real notary CLI, hand-made TUF repos, a static server.
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createHash, generateKeyPairSync, sign as cryptoSign, constants, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalize } from '@tufjs/canonical-json';
import type { AddressInfo } from 'node:net';
import type { Facts, ImageFacts, TrustFact, TrustSubject } from '../../server/src/core/facts';
import { parseReference } from '../../server/src/core/imageRef';
import { freePort, startRegistry as startRealRegistry, type PushedImage, type RegistryHandle } from './registry';

export const PASSPHRASE = 'test-passphrase';

export function requireBinary(path: string): void {
  if (!existsSync(path)) throw new Error(`${path} is missing: install the Debian packages docker-registry and notary (apt-get install -y docker-registry notary)`);
}

export { freePort };

async function waitFor(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}): ${log()}`);
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server at ${url} did not become ready: ${log()}`);
}

export interface Running {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

async function startProcess(bin: string, args: string[], dir: string, port: number, readyPath: string): Promise<Running> {
  requireBinary(bin);
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(url + readyPath, child, () => out);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    port,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The real notary-server, memory storage (a clean server per start), local Ed25519 signer for timestamps. */
export async function startNotaryServer(): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'dt-notary-'));
  const port = await freePort();
  const config = {
    server: { http_addr: `127.0.0.1:${port}` },
    trust_service: { type: 'local', hostname: '', port: '', key_algorithm: 'ed25519' },
    storage: { backend: 'memory' },
    logging: { level: 'info' },
  };
  writeFileSync(join(dir, 'server.json'), JSON.stringify(config));
  return startProcess('/usr/bin/notary-server', ['-config', join(dir, 'server.json'), '-logf', 'logfmt'], dir, port, '/_notary_server/health');
}

/** The real docker-registry (distribution 2.8.2) with its own config on a free port. */
// The registry comes from test/support/registry.ts; these adapters keep the URL-based helpers the Notary and
// editor suites use (push by registry URL, results as notary's addhash wants them).
const registries = new Map<string, RegistryHandle>();

export async function startRegistry(): Promise<Running> {
  const h = await startRealRegistry();
  registries.set(h.url, h);
  return {
    url: h.url,
    port: Number(new URL(h.url).port),
    dir: h.dir,
    stop: async () => {
      registries.delete(h.url);
      await h.stop();
    },
  };
}

export function registryAt(url: string): RegistryHandle {
  const h = registries.get(url);
  if (h === undefined) throw new Error(`no registry was started at ${url} with startRegistry()`);
  return h;
}

export interface Pushed {
  readonly digest: string;
  readonly size: number;
  readonly hex: string;
}

function pushed(p: PushedImage): Pushed {
  return { digest: p.digest, size: p.manifest.length, hex: p.digest.slice('sha256:'.length) };
}

/** Pushes a tiny deterministic schema2 image; `seed` (and `arch`) make distinct images. */
export async function pushImage(registry: string, repo: string, tag: string, seed = 'a', arch = 'amd64'): Promise<Pushed> {
  return pushed(await registryAt(registry).pushImage(repo, tag, { kind: 'schema2', seed: `${seed}/${arch}` }));
}

/** Pushes an OCI index over platform images under `tag`. */
export async function pushIndex(registry: string, repo: string, tag: string, seed = 'idx'): Promise<Pushed> {
  return pushed(await registryAt(registry).pushImage(repo, tag, { kind: 'oci-index', seed }));
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real notary CLI with its own trust dir; passphrases come from the environment as docker's tooling does. */
export class NotaryCli {
  readonly dir = mkdtempSync(join(tmpdir(), 'dt-notary-cli-'));
  readonly config = join(this.dir, 'config.json');

  constructor(readonly server: string) {
    requireBinary('/usr/bin/notary');
    writeFileSync(this.config, JSON.stringify({ trust_dir: join(this.dir, 'trust'), remote_server: { url: server } }));
  }

  run(...args: string[]): Promise<CliResult> {
    return this.runWithInput('', ...args);
  }

  /** Runs with `input` on stdin (then closed, so an unexpected prompt fails fast instead of hanging). */
  runWithInput(input: string, ...args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = execFile(
        '/usr/bin/notary',
        ['-c', this.config, ...args],
        {
          timeout: 30_000,
          env: {
            PATH: process.env['PATH'] ?? '/usr/bin:/bin',
            HOME: this.dir,
            NOTARY_ROOT_PASSPHRASE: PASSPHRASE,
            NOTARY_TARGETS_PASSPHRASE: PASSPHRASE,
            NOTARY_SNAPSHOT_PASSPHRASE: PASSPHRASE,
            NOTARY_DELEGATION_PASSPHRASE: PASSPHRASE,
          },
        },
        (err, stdout, stderr) => {
          const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      child.stdin?.end(input);
    });
  }

  async must(...args: string[]): Promise<string> {
    const r = await this.run(...args);
    if (r.code !== 0) throw new Error(`notary ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** What the reference client believes about one tag: its digest, or its error text. */
  async lookup(gun: string, tag: string): Promise<{ ok: true; digest: string; size: number } | { ok: false; message: string }> {
    const r = await this.run('lookup', gun, tag);
    const m = /^\S+\s+sha256:([0-9a-f]{64})\s+(\d+)/m.exec(r.stdout);
    if (r.code === 0 && m) return { ok: true, digest: `sha256:${m[1]}`, size: Number(m[2]) };
    return { ok: false, message: (r.stderr + r.stdout).trim().replace(/\s+/g, ' ') };
  }

  /** `notary list`: tag → {digest, role}. */
  async list(gun: string): Promise<{ ok: true; targets: Map<string, { digest: string; role: string }> } | { ok: false; message: string }> {
    const r = await this.run('list', gun);
    if (r.code !== 0) return { ok: false, message: (r.stderr + r.stdout).trim().replace(/\s+/g, ' ') };
    const targets = new Map<string, { digest: string; role: string }>();
    for (const line of r.stdout.split('\n')) {
      const m = /^(\S+)\s+([0-9a-f]{64})\s+\d+\s+(\S+)\s*$/.exec(line);
      if (m) targets.set(m[1]!, { digest: `sha256:${m[2]}`, role: m[3]! });
    }
    return { ok: true, targets };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A delegation key made with openssl (notary 0.7's `key generate -o` writes keys `key import` rejects). */
export function opensslDelegationKey(dir: string, name: string): { keyPem: string; certPem: string; keyFile: string; certFile: string } {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  runSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
  runSync('openssl', ['req', '-new', '-x509', '-key', keyFile, '-out', certFile, '-days', '365', '-subj', `/CN=${name}`, '-sha256']);
  return { keyPem: readFileSync(keyFile, 'utf8'), certPem: readFileSync(certFile, 'utf8'), keyFile, certFile };
}

function runSync(bin: string, args: string[]): string {
  return execFileSync(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 }).toString();
}

// ---------- hand-made TUF repositories in Notary's dialect ----------

export interface HandKey {
  readonly id: string;
  readonly keytype: string;
  readonly public: string;
  sign(data: Uint8Array): { keyid: string; method: string; sig: string };
}

function keyIdOf(keytype: string, pub: string): string {
  return createHash('sha256').update(canonicalize({ keytype, keyval: { private: null, public: pub } })).digest('hex');
}

function makeKey(keytype: string, pub: string, method: string, signer: (d: Uint8Array) => Buffer): HandKey {
  const id = keyIdOf(keytype, pub);
  return { id, keytype, public: pub, sign: (d) => ({ keyid: id, method, sig: signer(d).toString('base64') }) };
}

export function ed25519Key(): HandKey {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  return makeKey('ed25519', x, 'eddsa', (d) => cryptoSign(null, d, privateKey));
}

export function ecdsaKey(): HandKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return makeKey('ecdsa', publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), 'ecdsa', (d) => cryptoSign('sha256', d, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
}

export function rsaKey(): HandKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return makeKey('rsa', publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), 'rsapss', (d) =>
    cryptoSign('sha256', d, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  );
}

/** An ecdsa-x509 root key: P-256 key and a self-signed certificate with CN = GUN, made by openssl. */
export function x509RootKey(gun: string, opts: { days?: number; digest?: 'sha256' | 'sha1'; cn?: string; ca?: boolean } = {}): HandKey & { privateKey: KeyObject } {
  const dir = mkdtempSync(join(tmpdir(), 'dt-rootkey-'));
  try {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = join(dir, 'k.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    // A leaf certificate like the one notary makes (openssl's default config would make a CA, which notary ignores).
    const cnf = join(dir, 'req.cnf');
    writeFileSync(
      cnf,
      `[req]\ndistinguished_name=dn\nx509_extensions=ext\n[dn]\n[ext]\nbasicConstraints=critical,CA:${opts.ca ? 'TRUE' : 'FALSE'}\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=codeSigning\n`,
    );
    runSync('openssl', ['req', '-new', '-x509', '-config', cnf, '-key', keyFile, '-out', join(dir, 'c.pem'), '-days', String(opts.days ?? 3650), '-subj', `/CN=${(opts.cn ?? gun).replace(/\//g, '\\/')}`, `-${opts.digest ?? 'sha256'}`]);
    const pem = readFileSync(join(dir, 'c.pem'));
    const k = makeKey('ecdsa-x509', pem.toString('base64'), 'ecdsa', (d) => cryptoSign('sha256', d, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
    return { ...k, privateKey };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A throwaway CA (openssl) for pinned-CA tests. */
export function makeCa(): { certPem: string; keyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dt-ca-'));
  try {
    const cnf = join(dir, 'ca.cnf');
    writeFileSync(cnf, '[req]\ndistinguished_name=dn\nx509_extensions=ext\n[dn]\n[ext]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    runSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dir, 'ca.key')]);
    runSync('openssl', ['req', '-new', '-x509', '-config', cnf, '-key', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '30', '-subj', '/CN=Test Root CA', '-sha256']);
    return { certPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'ca.key'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An ecdsa-x509 root key whose leaf certificate (CN = GUN) is issued by `ca`. */
export function caIssuedRootKey(gun: string, ca: { certPem: string; keyPem: string }): HandKey {
  const dir = mkdtempSync(join(tmpdir(), 'dt-leaf-'));
  try {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'ca.key'), ca.keyPem);
    writeFileSync(join(dir, 'ext.cnf'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n');
    runSync('openssl', ['req', '-new', '-key', join(dir, 'k.pem'), '-out', join(dir, 'leaf.csr'), '-subj', `/CN=${gun.replace(/\//g, '\\/')}`]);
    runSync('openssl', ['x509', '-req', '-in', join(dir, 'leaf.csr'), '-CA', join(dir, 'ca.pem'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-out', join(dir, 'leaf.pem'), '-days', '10', '-sha256', '-extfile', join(dir, 'ext.cnf')]);
    const pem = readFileSync(join(dir, 'leaf.pem'));
    return makeKey('ecdsa-x509', pem.toString('base64'), 'ecdsa', (d) => cryptoSign('sha256', d, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function envelope(signed: object, signers: readonly HandKey[]): Buffer {
  const data = Buffer.from(canonicalize(signed));
  return Buffer.from(JSON.stringify({ signed, signatures: signers.map((k) => k.sign(data)) }));
}

export function fileMeta(raw: Uint8Array): { hashes: { sha256: string; sha512: string }; length: number } {
  return {
    hashes: { sha256: createHash('sha256').update(raw).digest('base64'), sha512: createHash('sha512').update(raw).digest('base64') },
    length: raw.length,
  };
}

const pubOf = (k: HandKey) => ({ keytype: k.keytype, keyval: { private: null, public: k.public } });

export interface RepoSpec {
  targets?: Record<string, { digest: string; length: number }>;
  releases?: Record<string, { digest: string; length: number }> | null;
  versions?: Partial<Record<'root' | 'timestamp' | 'snapshot' | 'targets' | 'targets/releases', number>>;
  expires?: Partial<Record<'root' | 'timestamp' | 'snapshot' | 'targets' | 'targets/releases', string>>;
  /** Thresholds written into root / the delegation. */
  thresholds?: Partial<Record<'root' | 'timestamp' | 'snapshot' | 'targets' | 'targets/releases', number>>;
  /** Who signs each file (default: the role's own key). */
  signers?: Partial<Record<'root' | 'timestamp' | 'snapshot' | 'targets' | 'targets/releases', HandKey[]>>;
  /** Extra keys listed for a role (for threshold > 1). */
  extraKeys?: Partial<Record<'targets' | 'targets/releases', HandKey[]>>;
}

/** A complete signed repository, built the way notary lays it out (root in the snapshot, sha256+sha512, base64 hashes). */
export class HandRepo {
  readonly keys: { root: HandKey; timestamp: HandKey; snapshot: HandKey; targets: HandKey; releases: HandKey };
  /** Default expiries count from construction, so rebuilding gives the same signed content. */
  private readonly t0 = Date.now();
  constructor(readonly gun: string, rootKey?: HandKey) {
    this.keys = { root: rootKey ?? x509RootKey(gun), timestamp: ed25519Key(), snapshot: ed25519Key(), targets: ecdsaKey(), releases: ecdsaKey() };
  }

  build(spec: RepoSpec = {}): Record<string, Buffer> {
    const k = this.keys;
    const inYears = (y: number): string => new Date(this.t0 + y * 365 * 86_400_000).toISOString();
    const v = (r: keyof NonNullable<RepoSpec['versions']>, d: number) => spec.versions?.[r] ?? d;
    const e = (r: keyof NonNullable<RepoSpec['expires']>, d: string) => spec.expires?.[r] ?? d;
    const th = (r: keyof NonNullable<RepoSpec['thresholds']>) => spec.thresholds?.[r] ?? 1;
    const extraT = spec.extraKeys?.targets ?? [];
    const extraR = spec.extraKeys?.['targets/releases'] ?? [];
    const rootSigned = {
      _type: 'Root',
      consistent_snapshot: false,
      expires: e('root', inYears(10)),
      keys: Object.fromEntries([k.root, k.timestamp, k.snapshot, k.targets, ...extraT].map((x) => [x.id, pubOf(x)])),
      roles: {
        root: { keyids: [k.root.id], threshold: th('root') },
        snapshot: { keyids: [k.snapshot.id], threshold: th('snapshot') },
        targets: { keyids: [k.targets.id, ...extraT.map((x) => x.id)], threshold: th('targets') },
        timestamp: { keyids: [k.timestamp.id], threshold: th('timestamp') },
      },
      version: v('root', 1),
    };
    const files: Record<string, Buffer> = {};
    files['root'] = envelope(rootSigned, spec.signers?.root ?? [k.root]);
    const targetsMap = (m: Record<string, { digest: string; length: number }>) =>
      Object.fromEntries(Object.entries(m).map(([t, x]) => [t, { hashes: { sha256: Buffer.from(x.digest.replace(/^sha256:/, ''), 'hex').toString('base64') }, length: x.length }]));
    const withReleases = spec.releases !== null && spec.releases !== undefined;
    const targetsSigned = {
      _type: 'Targets',
      delegations: withReleases
        ? {
            keys: Object.fromEntries([k.releases, ...extraR].map((x) => [x.id, pubOf(x)])),
            roles: [{ keyids: [k.releases.id, ...extraR.map((x) => x.id)], name: 'targets/releases', paths: [''], threshold: th('targets/releases') }],
          }
        : { keys: {}, roles: [] },
      expires: e('targets', inYears(3)),
      targets: targetsMap(spec.targets ?? {}),
      version: v('targets', 1),
    };
    files['targets'] = envelope(targetsSigned, spec.signers?.targets ?? [k.targets]);
    if (withReleases) {
      files['targets/releases'] = envelope(
        { _type: 'Targets', delegations: { keys: {}, roles: [] }, expires: e('targets/releases', inYears(3)), targets: targetsMap(spec.releases!), version: v('targets/releases', 1) },
        spec.signers?.['targets/releases'] ?? [k.releases],
      );
    }
    const meta: Record<string, unknown> = { root: fileMeta(files['root']), targets: fileMeta(files['targets']) };
    if (withReleases) meta['targets/releases'] = fileMeta(files['targets/releases']!);
    files['snapshot'] = envelope({ _type: 'Snapshot', expires: e('snapshot', inYears(3)), meta, version: v('snapshot', 1) }, spec.signers?.snapshot ?? [k.snapshot]);
    files['timestamp'] = envelope(
      { _type: 'Timestamp', expires: e('timestamp', new Date(this.t0 + 14 * 86_400_000).toISOString()), meta: { snapshot: fileMeta(files['snapshot']) }, version: v('timestamp', 1) },
      spec.signers?.timestamp ?? [k.timestamp],
    );
    return files;
  }
}

/** Re-signs timestamp (and snapshot) over changed files so only the intended defect remains. */
export function rechain(repo: HandRepo, files: Record<string, Buffer>, opts: { keepSnapshot?: boolean } = {}): Record<string, Buffer> {
  const out = { ...files };
  if (!opts.keepSnapshot) {
    const snap = JSON.parse(out['snapshot']!.toString()) as { signed: { meta: Record<string, unknown> } };
    for (const name of Object.keys(snap.signed.meta)) if (out[name]) snap.signed.meta[name] = fileMeta(out[name]!);
    out['snapshot'] = envelope(snap.signed, [repo.keys.snapshot]);
  }
  const ts = JSON.parse(out['timestamp']!.toString()) as { signed: { meta: Record<string, unknown> } };
  ts.signed.meta['snapshot'] = fileMeta(out['snapshot']!);
  out['timestamp'] = envelope(ts.signed, [repo.keys.timestamp]);
  return out;
}

export interface StaticRoute {
  body: Buffer;
  /** Delay before the headers (slow retrieval). */
  delayMs?: number;
  /** Trickle the body this slowly (bytes per 100 ms) after the headers. */
  trickle?: number;
}

/** A tiny static trust server on loopback: serves `/v2/<gun>/_trust/tuf/<role>.json` from a mutable table. */
export class StaticTrustServer {
  private server: Server | null = null;
  readonly routes = new Map<string, StaticRoute>();
  readonly hits: string[] = [];
  url = '';

  set(gun: string, files: Record<string, Buffer>): void {
    for (const [role, body] of Object.entries(files)) this.routes.set(`/v2/${gun}/_trust/tuf/${role}.json`, { body });
  }

  replace(gun: string, files: Record<string, Buffer>): void {
    for (const k of [...this.routes.keys()]) if (k.startsWith(`/v2/${gun}/`)) this.routes.delete(k);
    this.set(gun, files);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      this.hits.push(path);
      if (path === '/v2/' || path === '/_notary_server/health') {
        // The notary CLI pings /v2/ before it reads anything.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
        return;
      }
      // notary also asks for `<role>.<sha256>.json`; a hostile server answers whatever it likes, so alias to the role.
      const route = this.routes.get(path) ?? this.routes.get(path.replace(/\.[0-9a-f]{64}\.json$/, '.json'));
      if (route === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'METADATA_NOT_FOUND', message: 'You have requested metadata that does not exist.' }] }));
        return;
      }
      const send = () => {
        if (route.trickle === undefined) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(route.body.length) });
          res.end(route.body);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        let pos = 0;
        const tick = setInterval(() => {
          if (res.destroyed || pos >= route.body.length) {
            clearInterval(tick);
            res.end();
            return;
          }
          res.write(route.body.subarray(pos, pos + route.trickle!));
          pos += route.trickle!;
        }, 100);
        res.on('close', () => clearInterval(tick));
      };
      if (route.delayMs) {
        const t = setTimeout(send, route.delayMs);
        res.on('close', () => clearTimeout(t));
      } else send();
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.server === null) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = null;
  }
}

// ---------- hand-built facts for the trust rules' table tests ----------


const FACT_AT = '2026-11-28T12:00:00.000Z';

function roleOf(name: string): string {
  return name === 'Repo Admin' ? 'targets' : name.startsWith('targets') || name.startsWith('cosign') ? name : `targets/${name}`;
}

export interface SignedFactOptions {
  readonly source?: 'notary' | 'cosign';
  /** Signers of `digest` (default releases). */
  readonly signers?: readonly { readonly name: string; readonly keyIds: readonly string[] }[];
  /** Further digests signed for the subject, by the same signers. */
  readonly signedDigests?: readonly string[];
  /** Further digests with their own signers. */
  readonly others?: readonly { readonly digest: string; readonly signers: readonly string[] }[];
  /** The source's own choice for the tag (Notary: docker's rule); default `digest` for Notary, null for cosign. */
  readonly tagDigest?: string | null;
  readonly subject?: TrustSubject;
}

/** A signed fact: `digest` signed by exactly `signers` (Notary answers for a tag; cosign for exactly `digest`). */
export function signedFact(digest: string, o: SignedFactOptions = {}): TrustFact {
  const source = o.source ?? 'notary';
  const signers = (o.signers ?? [{ name: source === 'cosign' ? 'key sha256:abcd' : 'releases', keyIds: ['ab'.repeat(32)] }]).map((x) => ({ ...x, role: source === 'cosign' ? 'cosign key' : roleOf(x.name) }));
  const signed = [
    { digest, signers, expires: '2027-01-01T00:00:00.000Z' },
    ...(o.signedDigests ?? []).filter((d) => d !== digest).map((d) => ({ digest: d, signers, expires: '2027-01-01T00:00:00.000Z' })),
    ...(o.others ?? []).map((x) => ({ digest: x.digest, signers: x.signers.map((n) => ({ name: n, keyIds: [], role: roleOf(n) })), expires: '2027-01-01T00:00:00.000Z' })),
  ];
  return {
    state: 'signed',
    source,
    subject: o.subject ?? (source === 'cosign' ? { tag: null, digest } : { tag: 'latest', digest: null }),
    signed,
    tagDigest: o.tagDigest !== undefined ? o.tagDigest : source === 'cosign' ? null : digest,
    rootExpires: source === 'cosign' ? null : '2036-01-01T00:00:00.000Z',
    server: 'https://notary.example',
    verifiedAt: FACT_AT,
  };
}

const TAG_SUBJECT: TrustSubject = { tag: 'latest', digest: null };

export function unsignedFact(reason = 'tag 1 is not among the signed targets', subject: TrustSubject = TAG_SUBJECT): TrustFact {
  return { state: 'unsigned', source: 'notary', subject, reason, server: 'https://notary.example', verifiedAt: FACT_AT };
}

export function invalidFact(attack: string, reason: string): TrustFact {
  return { state: 'invalid', source: 'notary', subject: TAG_SUBJECT, reason, attack, server: 'https://notary.example', verifiedAt: FACT_AT };
}

export function unavailableFact(reason: string): TrustFact {
  return { state: 'unavailable', source: 'notary', subject: TAG_SUBJECT, reason, server: 'https://notary.docker.io', verifiedAt: FACT_AT };
}

/** Facts for references written as in a Dockerfile, keyed by their normalized form. */
export function imageFacts(byRef: Readonly<Record<string, ImageFacts>>): Facts {
  const map = new Map<string, ImageFacts>();
  for (const [text, f] of Object.entries(byRef)) {
    const r = parseReference(text);
    if (!r.ok) throw new Error(`bad reference in test: ${text}`);
    map.set(r.canonical, f);
  }
  return { get: (ref) => map.get(ref.canonical) };
}

/**
 * What a signed fact says about the digest its source picks: for a tag, docker's choice (tagDigest); for a
 * digest-only reference or a cosign answer, the one digest. Exactly that digest's signers and expiry.
 */
export function signedChoice(f: TrustFact): { digest: string; signers: string[]; roles: string[]; expires: string | null } | null {
  if (f.state !== 'signed') return null;
  const digest = f.tagDigest ?? (f.signed.length === 1 ? f.signed[0]!.digest : null);
  const d = f.signed.find((x) => x.digest === digest);
  if (d === undefined) return null;
  return { digest: d.digest, signers: d.signers.map((s) => s.name).sort(), roles: d.signers.map((s) => s.role).sort(), expires: d.expires };
}
