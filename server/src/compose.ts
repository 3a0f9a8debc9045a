// Builds the registry and trust services from settings: shared by the two composition roots (server main and CLI).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MachineSettings } from './protocol';
import { apiHost, checksumOfUrl, createTransport, dockerCredentials, createRegistryService, resolveGitRef, type ChecksumResult, type GitRefResult, type RegistryService } from './registry';
import { parseProxy, proxySettingsFromEnv, type ProxySettings } from './registry/proxy';
import { reachability, type Reachability } from './registry/reachability';
import { fileKeyReader, readPolicyFile } from './stores/policyFiles';
import { FileTrustStore } from './stores/notaryTrust';
import { fsTufCache } from './stores/tufCache';
import { loadTrustedRoot, type TrustRootResult } from './trust/cosign/trustRoot';
import { createTrustServices, type TrustServices } from './trust/imageLookup';
import { buildTrustPolicy, type TrustPolicy } from './trust/policy';
import { defaultNotationDir, fsNotationConfigStore } from './stores/notationConfig';
import { loadNotationTrustPolicy } from './trust/notation/policy';
import type { TrustSourcePlugin } from './trust/plugin';
import type { HttpClient } from './registry/http';

const MAX_CA_BYTES = 1024 * 1024;
const OFFLINE_FETCH = 'nothing is fetched while dockerfileTrust.network.mode is "cacheOnly" or "off"';

export interface Composed {
  readonly lookup: TrustServices;
  readonly registry: RegistryService;
  /** Problems with the configuration (unreadable CA file, broken policy), for the output channel and status. */
  readonly problems: readonly string[];
  readonly policy: TrustPolicy;
  /** Hosts that could not be reached lately (the workspace's "offline" state), and Retry. */
  readonly reachability: Reachability;
  /** sha256 of what an https URL serves (for ADD --checksum), capped and timed, without credentials. */
  checksum(url: string, signal?: AbortSignal): Promise<ChecksumResult>;
  /** The commit a git branch/tag names, over smart HTTP (for "Pin this clone"), https only, without credentials. */
  gitRef(url: string, ref: string | null, kind: 'branch' | 'tag' | 'any', signal?: AbortSignal): Promise<GitRefResult>;
  close(): Promise<void>;
}

export interface ComposeOptions {
  /** The machine settings: everything that decides where requests and credentials go and what is trusted. */
  readonly settings: MachineSettings;
  /** Where caches, Notary roots (TOFU) and the Sigstore TUF cache live. */
  readonly storageDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (message: string) => void;
  /** HTTP proxy for every request (registry, tokens, Notary, Sigstore TUF, checksums, revocation). Default: from `env` (HTTPS_PROXY, …). */
  readonly proxy?: ProxySettings;
  /** Called when a host goes down or answers again (the editor's status follows it). */
  readonly onReachability?: () => void;
}

/** notation's configuration directory: the setting, else notation's own default ($XDG_CONFIG_HOME/notation). */
function notationDir(settings: MachineSettings, env: Readonly<Record<string, string | undefined>>): string {
  return settings.notationConfigDir ?? defaultNotationDir(env as NodeJS.ProcessEnv);
}

/** The one trust policy, from settings, the policy file and notation's own files (read here: the trust layer reads no file). */
export async function loadPolicy(settings: MachineSettings, env: Readonly<Record<string, string | undefined>>): Promise<TrustPolicy> {
  const notationFiles = settings.trustSources.includes('notation') ? await loadNotationTrustPolicy(fsNotationConfigStore(notationDir(settings, env))) : undefined;
  return buildTrustPolicy({
    settingsEntries: settings.trustPolicy,
    settingsNotaryServers: settings.notaryServers,
    ...(settings.trustPolicyFile !== null ? { file: readPolicyFile(settings.trustPolicyFile) } : {}),
    ...(notationFiles !== undefined ? { notationFiles } : {}),
    readKey: fileKeyReader,
  });
}

/**
 * The Notation plug-in, when a Notation policy exists (notation's own files, or a `notation` block in an entry): its
 * X.509, CMS and CBOR code is loaded only then (esbuild keeps a dynamically imported module's initialisation lazy).
 */
async function notationPlugins(settings: MachineSettings, policy: TrustPolicy, env: Readonly<Record<string, string | undefined>>, revocationHttp: HttpClient): Promise<TrustSourcePlugin[]> {
  if (!settings.trustSources.includes('notation')) return [];
  if (policy.notation === null && !policy.entries.some((e) => e.notation !== undefined)) return [];
  const [{ notationPlugin }, { revocationChecker }, { trustStores }] = await Promise.all([import('./trust/notation/plugin'), import('./trust/notation/revocation'), import('./trust/notation/trustStore')]);
  return [
    notationPlugin({
      policy: policy.notation,
      stores: trustStores(fsNotationConfigStore(notationDir(settings, env))),
      revocation: revocationChecker(settings.network !== 'on' ? {} : { http: revocationHttp }),
      offline: settings.network !== 'on',
    }),
  ];
}

export async function compose(o: ComposeOptions): Promise<Composed> {
  const { settings } = o;
  // Cache only and off send nothing: every service answers from what it has (the LSP layer does no lookups when off).
  const offline = settings.network !== 'on';
  const problems: string[] = [];
  const insecure = Object.entries(settings.registries)
    .filter(([, r]) => r.insecureHttp)
    .map(([h]) => h);
  const extraCaCerts: Record<string, string> = {};
  for (const [host, r] of Object.entries(settings.registries)) {
    if (r.caFile === null) continue;
    try {
      if (fs.statSync(r.caFile).size > MAX_CA_BYTES) throw Object.assign(new Error(), { code: 'too large' });
      // Keys are canonical registry names; the transport sees the API host it connects to (docker.io → registry-1.docker.io).
      extraCaCerts[apiHost(host)] = fs.readFileSync(r.caFile, 'utf8');
    } catch (e) {
      problems.push(`CA file for ${host} (${r.caFile}) cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); TLS to ${host} uses the system roots only`);
    }
  }
  const policy = await loadPolicy(settings, o.env);
  problems.push(...policy.problems);
  const pinnedCa: Record<string, string> = {};
  for (const [gun, file] of Object.entries(settings.notaryPinnedCaFiles)) {
    try {
      if (fs.statSync(file).size > MAX_CA_BYTES) throw Object.assign(new Error(), { code: 'too large' });
      pinnedCa[gun] = fs.readFileSync(file, 'utf8');
    } catch (e) {
      // An unreadable pinned CA must not silently turn into trust on first use: pin to a CA nothing chains to.
      pinnedCa[gun] = '';
      problems.push(`pinned Notary CA for ${gun} (${file}) cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); roots for ${gun} will be refused`);
    }
  }
  // A Notary server configured with an explicit http:// URL (a machine-scoped choice) may be reached over plain http;
  // registries still need their own insecureHttp entry.
  const notaryHttp = Object.values(policy.notaryServers ?? {}).flatMap((u) => {
    try {
      const url = new URL(u);
      return url.protocol === 'http:' ? [url.host] : [];
    } catch {
      return [];
    }
  });
  const proxy = o.proxy ?? proxySettingsFromEnv(o.env);
  for (const p of new Set([proxy.httpsProxy, proxy.httpProxy])) {
    if (p === null) continue;
    const parsed = parseProxy(p, proxy.authorization);
    if (!parsed.ok) problems.push(`proxy (${proxy.source}): ${parsed.message}; requests that would use it fail`);
  }
  const transport = createTransport({ insecureHosts: [...insecure.map(apiHost), ...notaryHttp], extraCaCerts, proxy });
  // Background lookups go through one per-host state: a host that cannot be reached is not asked again per image or
  // per keystroke, and it is logged once. Person-started fetches (checksums, git refs) use the transport directly.
  const reach = reachability(transport.http, { log: o.log, ...(o.onReachability !== undefined ? { onChange: o.onReachability } : {}) });
  // OCSP and CRL endpoints are plain http (the answers are signed, and checked): a transport of their own, never carrying credentials.
  const revocationTransport = createTransport({ allowPlainHttp: true, proxy });
  const credentials = dockerCredentials({ env: o.env, log: o.log });
  const registry = createRegistryService({
    http: reach.http,
    credentials,
    insecureRegistries: insecure,
    cacheDir: path.join(o.storageDir, 'registry'),
    offline,
    ttlMs: settings.registryTtlSeconds * 1000,
    log: o.log,
  });
  let root: Promise<TrustRootResult> | undefined;
  const lookup = createTrustServices({
    registry,
    http: reach.http,
    hostDown: (server) => reach.isDown(server),
    credentials,
    insecureRegistries: insecure,
    policy,
    sources: settings.trustSources,
    notaryStore: new FileTrustStore(path.join(o.storageDir, 'notary')),
    notaryPinning: { certs: settings.notaryPinnedCertIds, ca: pinnedCa, tofu: settings.notaryTofu },
    trustedRoot: () => (root ??= loadTrustedRoot({ cache: fsTufCache(path.join(o.storageDir, 'sigstore')), offline, http: reach.http })),
    env: o.env,
    ttlMs: settings.trustTtlSeconds * 1000,
    offline,
    log: o.log,
    plugins: await notationPlugins(settings, policy, o.env, revocationTransport.http),
  });
  for (const p of problems) o.log(p);
  return {
    lookup,
    registry,
    problems,
    policy,
    reachability: reach,
    checksum: (url, signal) => (offline ? Promise.resolve({ ok: false, message: OFFLINE_FETCH }) : checksumOfUrl(transport.http, url, signal ? { signal } : {})),
    gitRef: (url, ref, kind, signal) => (offline ? Promise.resolve({ ok: false, message: OFFLINE_FETCH }) : resolveGitRef(transport.http, url, ref, { kind, ...(signal ? { signal } : {}) })),
    async close() {
      await registry.dispose();
      await transport.close();
      await revocationTransport.close();
    },
  };
}
