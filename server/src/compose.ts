// Builds the registry and trust services from settings: shared by the two composition roots (server main and CLI).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Settings } from './protocol';
import { checksumOfUrl, createTransport, dockerCredentials, createRegistryService, resolveGitRef, type ChecksumResult, type GitRefResult, type RegistryService } from './registry';
import { EMPTY_POLICY, loadPolicyFile, parsePolicy, type Policy } from './trust/cosign/policy';
import { loadTrustedRoot, type TrustRootResult } from './trust/cosign/trustRoot';
import { createTrustServices, type TrustServices } from './trust/imageLookup';
import { FileTrustStore } from './trust/notary/store';

const MAX_CA_BYTES = 1024 * 1024;

export interface Composed {
  readonly lookup: TrustServices;
  readonly registry: RegistryService;
  /** Problems with the configuration (unreadable CA file, broken policy), for the output channel and status. */
  readonly problems: readonly string[];
  readonly policy: Policy;
  /** sha256 of what an https URL serves (for ADD --checksum), capped and timed, without credentials. */
  checksum(url: string, signal?: AbortSignal): Promise<ChecksumResult>;
  /** The commit a git branch/tag names, over smart HTTP (for "Pin this clone"), https only, without credentials. */
  gitRef(url: string, ref: string | null, kind: 'branch' | 'tag' | 'any', signal?: AbortSignal): Promise<GitRefResult>;
  close(): Promise<void>;
}

export interface ComposeOptions {
  readonly settings: Settings;
  /** Where caches, Notary roots (TOFU) and the Sigstore TUF cache live. */
  readonly storageDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (message: string) => void;
}

/** The part of the settings that decides how services are built (a change rebuilds them). */
export function serviceKey(s: Settings): string {
  return JSON.stringify([s.registries, s.notaryServers, s.trustSources, s.trustPolicy, s.trustPolicyFile, s.offline, s.registryTtlSeconds, s.trustTtlSeconds, s.notaryPinnedCertIds, s.notaryPinnedCaFiles, s.notaryTofu]);
}

export function loadPolicy(settings: Settings, problems: string[]): Policy {
  const doc = {
    version: 1,
    images: settings.trustPolicy.map((e) => ({
      pattern: e.pattern,
      required: e.required,
      notarySigners: [...e.notarySigners],
      keys: e.keys.map((k) => ({ path: k.path, tlog: k.tlog })),
      identities: e.identities.map((i) => ({ ...i })),
    })),
    ...(Object.keys(settings.notaryServers).length > 0 ? { notaryServers: { ...settings.notaryServers } } : {}),
  };
  const fromSettings = parsePolicy(doc, '/', 'settings');
  let policy: Policy = EMPTY_POLICY;
  if (fromSettings.ok) policy = fromSettings.policy;
  else problems.push(...fromSettings.errors.map((e) => `trust policy in settings: ${e}`));
  if (settings.trustPolicyFile !== null) {
    const file = loadPolicyFile(settings.trustPolicyFile);
    if (file.ok) {
      policy = {
        entries: [...policy.entries, ...file.policy.entries],
        notaryServers: { ...(file.policy.notaryServers ?? {}), ...(policy.notaryServers ?? {}) },
        source: settings.trustPolicyFile,
      };
    } else problems.push(...file.errors);
  }
  return policy;
}

export function compose(o: ComposeOptions): Composed {
  const { settings } = o;
  const problems: string[] = [];
  const insecure = Object.entries(settings.registries)
    .filter(([, r]) => r.insecureHttp)
    .map(([h]) => h);
  const extraCaCerts: Record<string, string> = {};
  for (const [host, r] of Object.entries(settings.registries)) {
    if (r.caFile === null) continue;
    try {
      if (fs.statSync(r.caFile).size > MAX_CA_BYTES) throw Object.assign(new Error(), { code: 'too large' });
      extraCaCerts[host] = fs.readFileSync(r.caFile, 'utf8');
    } catch (e) {
      problems.push(`CA file for ${host} (${r.caFile}) cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}); TLS to ${host} uses the system roots only`);
    }
  }
  const policy = loadPolicy(settings, problems);
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
  const transport = createTransport({ insecureHosts: [...insecure, ...notaryHttp], extraCaCerts });
  const credentials = dockerCredentials({ env: o.env, log: o.log });
  const registry = createRegistryService({
    http: transport.http,
    credentials,
    insecureRegistries: insecure,
    cacheDir: path.join(o.storageDir, 'registry'),
    offline: settings.offline,
    ttlMs: settings.registryTtlSeconds * 1000,
    log: o.log,
  });
  let root: Promise<TrustRootResult> | undefined;
  const lookup = createTrustServices({
    registry,
    http: transport.http,
    credentials,
    insecureRegistries: insecure,
    policy,
    sources: settings.trustSources,
    notaryStore: new FileTrustStore(path.join(o.storageDir, 'notary')),
    notaryPinning: { certs: settings.notaryPinnedCertIds, ca: pinnedCa, tofu: settings.notaryTofu },
    trustedRoot: () => (root ??= loadTrustedRoot({ cacheDir: path.join(o.storageDir, 'sigstore'), offline: settings.offline, http: transport.http })),
    env: o.env,
    ttlMs: settings.trustTtlSeconds * 1000,
    offline: settings.offline,
    log: o.log,
  });
  for (const p of problems) o.log(p);
  return {
    lookup,
    registry,
    problems,
    policy,
    checksum: (url, signal) => checksumOfUrl(transport.http, url, signal ? { signal } : {}),
    gitRef: (url, ref, kind, signal) => resolveGitRef(transport.http, url, ref, { kind, ...(signal ? { signal } : {}) }),
    async close() {
      await registry.dispose();
      await transport.close();
    },
  };
}
