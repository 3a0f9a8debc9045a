// Settings and protocol types shared by the extension client and the server (no dependencies but the pure reference grammar).
import { canonicalPattern, canonicalRegistry } from './core/imageRef';

export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** A registry (or notary) host as written in settings: `host`, `host:port`, `[v6]:port`, lower-cased. */
export type HostKey = string;

/** Per-registry transport settings (`dockerfileTrust.registries`; machine scope). */
export interface RegistrySettings {
  /** Plain HTTP is allowed for this host (never implied; TLS stays verified for every other host). */
  readonly insecureHttp: boolean;
  /** Extra PEM CA bundle trusted for this host only (absolute path). */
  readonly caFile: string | null;
}

export type TrustSourceName = 'notary' | 'cosign' | 'notation';

/**
 * What may leave the machine for registry and trust lookups (`dockerfileTrust.network.mode`): `on` asks registries and
 * trust servers; `cacheOnly` answers from earlier answers only and sends nothing; `off` does no lookups at all.
 */
export type NetworkMode = 'on' | 'cacheOnly' | 'off';
export const NETWORK_MODES: readonly NetworkMode[] = ['on', 'cacheOnly', 'off'];

/**
 * Settings that shape the analysis of one document (resource scope: a folder may set them). They never send a
 * request or a credential anywhere.
 */
export interface AnalysisSettings {
  /** Per-rule severity (`dockerfileTrust.rules`): rule id → severity or "off". */
  readonly rules: Readonly<Record<string, SeveritySetting>>;
  /** Build-arg overrides used when resolving ARGs in image references (`dockerfileTrust.buildArgs`). */
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Target platform for the automatic TARGET* / BUILD* ARGs (`dockerfileTrust.platform`). */
  readonly platform: string;
  /**
   * Registries images may come from (`dockerfileTrust.allowedRegistries`, or `allowedRegistries` in the
   * project's `.dockerfile-trust.yaml`); null = any. Canonical hosts (canonicalRegistry).
   */
  readonly allowedRegistries: readonly string[] | null;
  /** Offer single-platform pins too (`dockerfileTrust.pin.platformDigest`). */
  readonly pinPlatformDigest: boolean;
  /** Code lenses with pin/signature state above each image (`dockerfileTrust.codeLens.enabled`). */
  readonly codeLens: boolean;
}

/**
 * Settings of the whole process (machine or window scope): where requests and credentials go, which keys are
 * trusted, caching. A change rebuilds the network services; a cloned workspace cannot set them.
 */
export interface MachineSettings {
  /**
   * Registry and trust lookups: on, from the cache only, or off (`dockerfileTrust.network.mode`; the deprecated
   * `dockerfileTrust.offline` and `dockerfileTrust.network.enabled` still count, only ever towards fewer requests).
   */
  readonly network: NetworkMode;
  /** How long registry answers (tag → digest) stay fresh, seconds (`dockerfileTrust.cache.registryTtlSeconds`). */
  readonly registryTtlSeconds: number;
  /** How long verified trust data stays fresh, seconds (`dockerfileTrust.cache.trustTtlSeconds`). */
  readonly trustTtlSeconds: number;
  /** Per-host transport settings, keyed by canonical host[:port] (`dockerfileTrust.registries`). */
  readonly registries: Readonly<Record<HostKey, RegistrySettings>>;
  /** Notary server URL per canonical registry host (`dockerfileTrust.notary.servers`); docker.io has a built-in default. */
  readonly notaryServers: Readonly<Record<HostKey, string>>;
  /** Which trust sources are consulted (`dockerfileTrust.trust.sources`). */
  readonly trustSources: readonly TrustSourceName[];
  /**
   * Signature requirements (`dockerfileTrust.trust.policy`), as written: entries of the policy file's shape,
   * checked by the one policy parser (server/src/trust/policy), which reports every problem.
   */
  readonly trustPolicy: readonly unknown[];
  /** A JSON file with more policy entries of the same shape (`dockerfileTrust.trust.policyFile`). */
  readonly trustPolicyFile: string | null;
  /** Notary root pinning: GUN or `prefix*` → root certificate key IDs (`dockerfileTrust.notary.pinnedCertIds`). */
  readonly notaryPinnedCertIds: Readonly<Record<string, readonly string[]>>;
  /** Notary root pinning: GUN or `prefix*` → PEM CA file (`dockerfileTrust.notary.pinnedCaFiles`). */
  readonly notaryPinnedCaFiles: Readonly<Record<string, string>>;
  /** Trust a first-seen Notary root when nothing is pinned (`dockerfileTrust.notary.trustOnFirstUse`). */
  readonly notaryTofu: boolean;
  /** notation's configuration directory (`dockerfileTrust.notation.configDir`); null = notation's default. */
  readonly notationConfigDir: string | null;
}

/** `dockerfileTrust.*` settings after normalization: per document and per process, kept apart in the types. */
export interface Settings {
  readonly analysis: AnalysisSettings;
  readonly machine: MachineSettings;
}

/** The key of the services built from machine settings: every field of the type, so nothing can be forgotten. */
export function machineKey(m: MachineSettings): string {
  return JSON.stringify(m);
}

export const DEFAULT_ANALYSIS: AnalysisSettings = { rules: {}, buildArgs: {}, platform: 'linux/amd64', allowedRegistries: null, pinPlatformDigest: false, codeLens: false };

export const DEFAULT_MACHINE: MachineSettings = {
  network: 'on',
  registryTtlSeconds: 3600,
  trustTtlSeconds: 900,
  registries: {},
  notaryServers: {},
  trustSources: ['notary', 'cosign', 'notation'],
  trustPolicy: [],
  trustPolicyFile: null,
  notaryPinnedCertIds: {},
  notaryPinnedCaFiles: {},
  notaryTofu: true,
  notationConfigDir: null,
};

export const DEFAULT_SETTINGS: Settings = { analysis: DEFAULT_ANALYSIS, machine: DEFAULT_MACHINE };

const SEVERITIES = new Set<SeveritySetting>(['error', 'warning', 'information', 'hint', 'off']);
// Bounds keep a hostile or mistyped settings file from turning caching off or into "forever".
const TTL_MIN = 0;
const TTL_MAX = 7 * 24 * 3600;
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/;

function record(raw: unknown): Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

function str(raw: unknown): string | null {
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : null;
}

/** The stricter of two modes: the one that sends less. */
function stricter(a: NetworkMode, b: NetworkMode): NetworkMode {
  return NETWORK_MODES.indexOf(a) >= NETWORK_MODES.indexOf(b) ? a : b;
}

/** `network.mode`, with the switches it replaced mapped onto it (`network.enabled: false` = off, `offline: true` = cache only). */
function networkMode(r: Record<string, unknown>, network: Record<string, unknown>): NetworkMode {
  const raw = network['mode'];
  const mode = NETWORK_MODES.includes(raw as NetworkMode) ? (raw as NetworkMode) : 'on';
  const legacy: NetworkMode = network['enabled'] === false ? 'off' : r['offline'] === true ? 'cacheOnly' : 'on';
  return stricter(mode, legacy);
}

function ttl(raw: unknown, fallback: number): number {
  return typeof raw === 'number' && Number.isFinite(raw) ? Math.min(TTL_MAX, Math.max(TTL_MIN, Math.round(raw))) : fallback;
}

/** Checks a host key and returns its canonical form (canonicalRegistry: lower-case, no :443, Docker Hub = docker.io); null when it is not a plain host[:port]. */
export function normalizeHost(raw: string): HostKey | null {
  const h = raw.trim().toLowerCase();
  return HOST.test(h) ? canonicalRegistry(h) : null;
}

/** Only absolute paths: a relative path would resolve against whatever folder the server runs in. */
function absolutePath(raw: unknown): string | null {
  const s = str(raw);
  return s !== null && (s.startsWith('/') || /^[A-Za-z]:[\\/]/.test(s)) ? s : null;
}

/** http(s) URLs without credentials; anything else is dropped rather than guessed at. */
function serverUrl(raw: unknown): string | null {
  const s = str(raw);
  if (s === null) return null;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return null;
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '') return null;
  return u.toString().replace(/\/+$/, '');
}


const GUN_PATTERN = /^[^\s*]+\*?$/;

function pinnedCertIds(raw: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [written, ids] of Object.entries(record(raw))) {
    // GUNs are canonical names (the host as every reference spelling reaches it).
    const gun = canonicalPattern(written);
    if (!GUN_PATTERN.test(gun) || !Array.isArray(ids)) continue;
    const ok = ids.filter((i): i is string => typeof i === 'string' && /^[0-9a-f]{64}$/.test(i));
    // Malformed IDs are dropped but the entry stays: a GUN pinned to nothing valid is refused, never left to TOFU.
    out[gun] = ok;
  }
  return out;
}

function pinnedCaFiles(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [written, file] of Object.entries(record(raw))) {
    const gun = canonicalPattern(written);
    const p = absolutePath(file);
    if (GUN_PATTERN.test(gun) && p !== null) out[gun] = p;
  }
  return out;
}

/** One normaliser for the whole section: anything malformed falls back to its default. Total: never throws. */
export function normalizeSettings(raw: unknown): Settings {
  const r = record(raw);
  const rules: Record<string, SeveritySetting> = {};
  for (const [k, v] of Object.entries(record(r['rules']))) {
    const s = typeof v === 'string' ? (v.toLowerCase() === 'info' ? 'information' : v.toLowerCase()) : '';
    if (SEVERITIES.has(s as SeveritySetting)) rules[k] = s as SeveritySetting;
  }
  const buildArgs: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(r['buildArgs']))) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && (typeof v === 'string' || typeof v === 'number')) buildArgs[k] = String(v);
  }
  const platform = typeof r['platform'] === 'string' && /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(r['platform']) ? r['platform'] : DEFAULT_ANALYSIS.platform;
  const network = record(r['network']);
  const cache = record(r['cache']);
  const codeLens = record(r['codeLens']);

  const registries: Record<HostKey, RegistrySettings> = {};
  for (const [k, v] of Object.entries(record(r['registries']))) {
    const host = normalizeHost(k);
    if (host === null) continue;
    const e = record(v);
    registries[host] = { insecureHttp: e['insecureHttp'] === true, caFile: absolutePath(e['caFile']) };
  }
  const notary = record(r['notary']);
  const notaryServers: Record<HostKey, string> = {};
  for (const [k, v] of Object.entries(record(notary['servers']))) {
    const host = normalizeHost(k);
    const url = serverUrl(v);
    if (host !== null && url !== null) notaryServers[host] = url;
  }
  const trust = record(r['trust']);
  const sources = Array.isArray(trust['sources'])
    ? [...new Set(trust['sources'].filter((s): s is TrustSourceName => s === 'notary' || s === 'cosign' || s === 'notation'))]
    : [...DEFAULT_MACHINE.trustSources];
  // Entries are checked by the policy parser, which reports what is wrong instead of silently dropping it.
  const policy = Array.isArray(trust['policy']) ? trust['policy'].slice(0, 1000) : [];

  return {
    analysis: {
      rules,
      buildArgs,
      platform,
      allowedRegistries: Array.isArray(r['allowedRegistries']) ? r['allowedRegistries'].map(str).filter((h): h is string => h !== null).map((h) => canonicalRegistry(h.toLowerCase())) : null,
      pinPlatformDigest: record(r['pin'])['platformDigest'] === true,
      codeLens: codeLens['enabled'] === true,
    },
    machine: {
      network: networkMode(r, network),
      registryTtlSeconds: ttl(cache['registryTtlSeconds'], DEFAULT_MACHINE.registryTtlSeconds),
      trustTtlSeconds: ttl(cache['trustTtlSeconds'], DEFAULT_MACHINE.trustTtlSeconds),
      registries,
      notaryServers,
      trustSources: sources,
      trustPolicy: policy,
      trustPolicyFile: absolutePath(trust['policyFile']),
      notaryPinnedCertIds: pinnedCertIds(notary['pinnedCertIds']),
      notaryPinnedCaFiles: pinnedCaFiles(notary['pinnedCaFiles']),
      notaryTofu: notary['trustOnFirstUse'] !== false,
      notationConfigDir: absolutePath(record(r['notation'])['configDir']),
    },
  };
}

/** Custom requests and notifications between client and server. */
export const Requests = {
  /** Server → client notification: status for the language status item. */
  status: 'dockerfileTrust/status',
  /** Client → server: current status (same shape as the notification). */
  getStatus: 'dockerfileTrust/getStatus',
  /** Client → server: the image uses of one Dockerfile text, with what is known about each. */
  imageUses: 'dockerfileTrust/imageUses',
  /** Client → server: edits that pin every pinnable image of one Dockerfile text. */
  pinEdits: 'dockerfileTrust/pinEdits',
  /** Client → server: forget cached registry/trust answers and check open documents again. */
  refresh: 'dockerfileTrust/refresh',
  /** Client → server: the full trust chain of one reference, as Markdown. */
  trustDetails: 'dockerfileTrust/trustDetails',
  /** Client → server: the image uses of a batch of Dockerfiles (the inventory; no lookups, cached by content). */
  inventoryUses: 'dockerfileTrust/inventoryUses',
  /** Client → server: what is known about images (the inventory), optionally after looking them up, once each. */
  imageStates: 'dockerfileTrust/imageStates',
} as const;

export interface StatusParams {
  /** A few words: "Trust sources reachable", "Offline", "Working offline (cache only)". */
  readonly text: string;
  /** A few more words, no URLs ("registry-1.docker.io unreachable · 3 not checked"). */
  readonly detail: string;
  readonly severity: 'ok' | 'warning' | 'error';
  /** What the client offers: Retry / Work offline when hosts are unreachable, Go online when working from the cache or off. */
  readonly state?: 'ok' | 'unreachable' | 'cacheOnly' | 'off' | 'syntaxOnly';
  /** The network mode in effect (the server's reading of the settings, old switches included). */
  readonly mode?: NetworkMode;
  /** Hosts that could not be reached. */
  readonly unreachable?: readonly string[];
  /** The first failure in one line, without URLs, and when it is asked again (the Retry action's tooltip). */
  readonly cause?: string;
}

/** A Dockerfile the client read; the server does no file I/O of its own for these requests. */
export interface DocumentTextParams {
  readonly uri: string;
  readonly text: string;
  /** Wait (bounded) for registry/trust lookups of the file's images before answering. */
  readonly lookup?: boolean;
}

/**
 * signed / unsigned / invalid: what the trust sources said about the digest the build would use; unavailable: they
 * could not say; offline: nothing could be asked (the registry cannot be reached, or not in the cache); unknown: not
 * looked up yet, or no trust source checks this image; unresolved: an ARG without a value, so there is no image to
 * check; not-applicable: a build stage, scratch or a build context.
 */
export type SignatureState = 'signed' | 'unsigned' | 'invalid' | 'unavailable' | 'offline' | 'unknown' | 'unresolved' | 'not-applicable';

/** The provenance verdict about the digest the build would use (core/provenanceVerdict.ts); never about signatures. */
export type ProvenanceInfoState = 'verified' | 'mismatch' | 'untrusted' | 'unsigned' | 'invalid' | 'missing' | 'unavailable' | 'not-looked-up';

export interface ProvenanceInfo {
  readonly state: ProvenanceInfoState;
  /** One line for people: "Built by … from …@… (…), attested by …, logged …", or why not. */
  readonly detail: string;
  /** The policy requires provenance for this image. */
  readonly required: boolean;
  /** The newest signed vulnerability scan, in words, when one is known or required. */
  readonly scan?: string;
}

export interface WireRange {
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
}

export interface ImageUseInfo {
  /** The text as written. */
  readonly text: string;
  readonly range: WireRange;
  readonly source: 'from' | 'copy-from' | 'mount-from' | 'syntax';
  readonly kind: 'image' | 'stage' | 'scratch' | 'unresolved' | 'context';
  /** `registry/repository`, the grouping key; null when it is no parsable external image. */
  readonly name: string | null;
  /** Short name + tag as docker prints it; the written text otherwise. */
  readonly familiar: string;
  /** Canonical reference (cache key) or null. */
  readonly canonical: string | null;
  readonly tag: string | null;
  readonly pinnedDigest: string | null;
  /** Digest the registry resolves the tag to, when known. */
  readonly resolvedDigest: string | null;
  readonly signature: SignatureState;
  /** One line for people: who signed, or why not. */
  readonly signatureDetail: string;
  readonly signers: readonly string[];
  /** Earliest expiry along the trust chain (ISO), when signed. */
  readonly expires: string | null;
  /** A registry problem in words, when the lookup failed. */
  readonly registryError: string | null;
  /** Provenance of the digest the build would use; absent when attestations were not looked up for the image. */
  readonly provenance?: ProvenanceInfo;
}

export interface ImageUsesResult {
  readonly uses: readonly ImageUseInfo[];
}

export interface PinEditsResult {
  readonly edits: readonly { readonly range: WireRange; readonly newText: string; readonly label: string }[];
  /** Images that could not be pinned, with the reason (variables in the text, lookup failed, …). */
  readonly skipped: readonly { readonly text: string; readonly line: number; readonly reason: string }[];
}

export interface TrustDetailsParams {
  readonly reference: string;
}

export interface TrustDetailsResult {
  /** Markdown for a read-only document. */
  readonly markdown: string;
}

/** A batch of Dockerfiles the client read, for the inventory. */
export interface InventoryUsesParams {
  readonly files: readonly { readonly uri: string; readonly text: string }[];
}

/** One image use as the inventory lists it: what the file says, without what lookups know (ImageState, per image). */
export interface InventoryUse {
  readonly text: string;
  readonly range: WireRange;
  readonly source: ImageUseInfo['source'];
  readonly kind: ImageUseInfo['kind'];
  /** `registry/repository`, the grouping key; null when it is no parsable external image. */
  readonly name: string | null;
  readonly familiar: string;
  /** Canonical reference (the key of its ImageState), or null. */
  readonly canonical: string | null;
  readonly tag: string | null;
  readonly pinnedDigest: string | null;
  /** Why a use names no image to check (an ARG without a value, a stage, scratch), in words; null for images. */
  readonly note: string | null;
}

export interface InventoryUsesResult {
  readonly files: readonly { readonly uri: string; readonly uses: readonly InventoryUse[] }[];
  /** How many of the files were analysed for this answer (the rest had the same text as before: from the cache). */
  readonly analysed: number;
}

export interface ImageStatesParams {
  /** Canonical references. */
  readonly references: readonly string[];
  /** Look the images up first (bounded wait; each image once, however many files use it). */
  readonly lookup: boolean;
}

/** What is known about one image now: the same verdict as the rules and the hover. */
export interface ImageState {
  readonly canonical: string;
  readonly signature: SignatureState;
  readonly signatureDetail: string;
  readonly signers: readonly string[];
  readonly expires: string | null;
  readonly resolvedDigest: string | null;
  readonly registryError: string | null;
  /** Provenance, when the policy made the lookup ask for attestations. */
  readonly provenance?: ProvenanceInfo;
}

export interface ImageStatesResult {
  readonly images: readonly ImageState[];
}
