// The Image Inventory's server side: the image uses of many Dockerfiles (model only, no rules, cached by content:
// one analysis per distinct text) and what is known about each distinct image (looked up once, however many files
// use it). The client reads the files and groups; the server does no file I/O for it.
import { createHash } from 'node:crypto';
import type { Connection } from 'vscode-languageserver/node';
import { modelOf } from '../core/analyze';
import { verdictHeadline } from '../core/describe';
import type { ImageFacts } from '../core/facts';
import { parseReference, type ParsedReference } from '../core/imageRef';
import { connectionProblem, isImageSpecific } from '../core/lookupFailure';
import type { ImageUse } from '../core/model';
import { parseDocument } from '../core/parse';
import { printable } from '../core/text';
import { trustVerdict } from '../core/verdict';
import {
  Requests,
  type AnalysisSettings,
  type ImageState,
  type ImageStatesParams,
  type ImageStatesResult,
  type ImageUseInfo,
  type InventoryUse,
  type InventoryUsesParams,
  type InventoryUsesResult,
  type NetworkMode,
  type SignatureState,
} from '../protocol';
import type { ImageLookup } from '../trust/service';
import { provenanceOf } from './provenance';

export function isExternal(u: ImageUse): u is ImageUse & { ref: ParsedReference } {
  return u.kind === 'image' && u.ref !== null && u.ref.ok;
}

/** The inventory's and code lens's summary: the same verdict as the rules and the hover, for the digest the build would use. */
export function signatureOf(ref: ParsedReference, facts: ImageFacts | undefined, now: Date = new Date()): { state: SignatureState; detail: string; signers: string[]; expires: string | null } {
  if (facts === undefined) return { state: 'unknown', detail: 'not looked up yet', signers: [], expires: null };
  const v = trustVerdict(ref, facts, now);
  const headline = verdictHeadline(v, facts, now);
  if (v.verified) {
    const ok = v.sources.filter((s) => s.state === 'signed' && s.acceptable);
    // Names come from certificates (a keyless SAN matched by a policy regexp): printable, as everywhere else.
    const signers = [...new Set(ok.flatMap((s) => s.signers.map((x) => printable(x.name, 200))))];
    const expires = ok.map((s) => s.expires).filter((e): e is string => e !== null).sort()[0] ?? null;
    return { state: 'signed', detail: `${headline} (${[...new Set(ok.map((s) => s.source))].join(', ')})`, signers, expires };
  }
  const invalid = v.sources.find((s) => s.fact.state === 'invalid');
  if (invalid !== undefined && invalid.fact.state === 'invalid') return { state: 'invalid', detail: `invalid (${invalid.source}): ${invalid.fact.reason}`, signers: [], expires: null };
  const r = facts.registry;
  // Nothing could be asked: say so, never "unknown" (which would read as "nobody knows").
  if (r?.state === 'error' && !isImageSpecific(r.kind)) return { state: 'offline', detail: `not checked: ${connectionProblem(r)}`, signers: [], expires: null };
  if (v.sources.length === 0) {
    const detail = r?.state === 'error' ? `registry lookup failed (${r.kind})` : r?.state === 'ok' ? 'no trust source checks this image; registry digest known (not signature-verified)' : 'no trust source answered';
    return { state: 'unknown', detail, signers: [], expires: null };
  }
  // Signed data exists but not for this digest, not by an accepted signer, or the tag answer is stale: not "signed".
  const unsure = v.sources.every((s) => s.state === 'unavailable' || s.state === 'not-this-digest') || (v.basis === 'tag' && v.tagAnswer?.fresh !== true && v.signedAtAll);
  return { state: unsure ? 'unavailable' : 'unsigned', detail: headline, signers: [], expires: null };
}

/** A use that names no image to check: why, in the inventory's words. */
function notAnImage(u: ImageUse): { state: SignatureState; detail: string; signers: string[]; expires: null } {
  if (u.kind === 'unresolved') {
    const vars = u.unresolvedVariables.map((v) => `$${v}`).join(', ');
    const detail = vars !== '' ? `cannot be resolved: ${vars} ${u.unresolvedVariables.length === 1 ? 'has' : 'have'} no value, so the image is not checked` : 'cannot be resolved (a value too long), so the image is not checked';
    return { state: 'unresolved', detail, signers: [], expires: null };
  }
  const detail = u.kind === 'stage' ? 'a build stage of this Dockerfile' : u.kind === 'scratch' ? 'the empty image' : u.kind === 'context' ? 'a named build context, or an image of that name' : 'not a valid image reference';
  return { state: 'not-applicable', detail, signers: [], expires: null };
}

export function describeUse(u: ImageUse, facts: ImageFacts | undefined, now: Date = new Date()): ImageUseInfo {
  const ref = isExternal(u) ? u.ref : null;
  const sig = ref === null ? notAnImage(u) : signatureOf(ref, facts, now);
  const provenance = ref !== null ? provenanceOf(ref, facts, now) : undefined;
  const reg = facts?.registry;
  return {
    // Shown in the inventory tree and output channel: the Dockerfile's text, made printable.
    text: printable(u.text),
    range: u.range,
    source: u.source,
    kind: u.kind,
    name: ref?.name ?? null,
    familiar: ref === null ? u.text : ref.familiar,
    canonical: ref?.canonical ?? null,
    tag: ref?.tag ?? null,
    pinnedDigest: ref?.digest ?? null,
    resolvedDigest: reg?.state === 'ok' ? reg.digest : null,
    signature: sig.state,
    signatureDetail: sig.detail,
    signers: sig.signers,
    expires: sig.expires,
    registryError: reg?.state === 'error' ? printable(reg.message) : null,
    ...(provenance !== undefined ? { provenance } : {}),
  };
}


/** What is known about one image, for the inventory (the same fields describeUse gives per use). */
export function imageState(ref: ParsedReference, facts: ImageFacts | undefined, now: Date = new Date()): ImageState {
  const sig = signatureOf(ref, facts, now);
  const provenance = provenanceOf(ref, facts, now);
  const reg = facts?.registry;
  return {
    ...(provenance !== undefined ? { provenance } : {}),
    canonical: ref.canonical,
    signature: sig.state,
    signatureDetail: sig.detail,
    signers: sig.signers,
    expires: sig.expires,
    resolvedDigest: reg?.state === 'ok' ? reg.digest : null,
    registryError: reg?.state === 'error' ? (isImageSpecific(reg.kind) ? printable(reg.message) : connectionProblem(reg)) : null,
  };
}

/** One use as the inventory lists it, without facts. */
export function inventoryUse(u: ImageUse): InventoryUse {
  const ref = isExternal(u) ? u.ref : null;
  return {
    text: printable(u.text),
    range: u.range,
    source: u.source,
    kind: u.kind,
    name: ref?.name ?? null,
    familiar: ref === null ? printable(u.text) : ref.familiar,
    canonical: ref?.canonical ?? null,
    tag: ref?.tag ?? null,
    pinnedDigest: ref?.digest ?? null,
    note: ref === null ? notAnImage(u).detail : null,
  };
}

export interface InventoryDeps {
  readonly lookup: ImageLookup | undefined;
  /** Analysis settings (build args, platform) of many files at once, in order. */
  readonly settingsOf: (uris: readonly string[]) => Promise<readonly AnalysisSettings[]>;
  readonly network: () => Promise<NetworkMode>;
  /** An image the workspace uses: the status counts it. */
  readonly remember: (ref: ParsedReference) => void;
}

/** Longest text accepted: Dockerfiles are small; anything bigger is not one. */
const MAX_TEXT = 1_000_000;
/** Files per request, and distinct texts kept (their uses are small). */
const MAX_FILES = 500;
const MAX_CACHED = 20_000;
const MAX_IMAGES = 1_000;
/** How long a person-started inventory waits for lookups before answering with what is known. */
const LOOKUP_WAIT_MS = 15_000;

export function registerInventory(connection: Connection, deps: InventoryDeps): void {
  // By build args, platform and text: a file that did not change (or a copy of another file) is not analysed again.
  const cache = new Map<string, readonly InventoryUse[]>();

  function usesOf(text: string, a: AnalysisSettings): { uses: readonly InventoryUse[]; analysed: boolean } {
    const key = createHash('sha256').update(JSON.stringify([a.buildArgs, a.platform])).update('\0').update(text).digest('hex');
    const hit = cache.get(key);
    if (hit !== undefined) {
      // Most recently used last: the oldest entries go first when the cache is full.
      cache.delete(key);
      cache.set(key, hit);
      return { uses: hit, analysed: false };
    }
    let uses: readonly InventoryUse[];
    try {
      // The model is all the inventory needs: no rules run.
      uses = modelOf(parseDocument(text), { buildArgs: a.buildArgs, platform: a.platform }).images.map(inventoryUse);
    } catch {
      uses = [];
    }
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, uses);
    return { uses, analysed: true };
  }

  connection.onRequest(Requests.inventoryUses, async (params: InventoryUsesParams): Promise<InventoryUsesResult> => {
    const files = (Array.isArray(params?.files) ? params.files : []).slice(0, MAX_FILES).filter((f) => typeof f?.uri === 'string' && typeof f.text === 'string');
    const settings = await deps.settingsOf(files.map((f) => f.uri));
    let analysed = 0;
    const out = files.map((f, i) => {
      const r = usesOf(f.text.slice(0, MAX_TEXT), settings[i]!);
      if (r.analysed) analysed++;
      return { uri: f.uri, uses: r.uses };
    });
    return { files: out, analysed };
  });

  connection.onRequest(Requests.imageStates, async (params: ImageStatesParams): Promise<ImageStatesResult> => {
    const refs = new Map<string, ParsedReference>();
    for (const c of (Array.isArray(params?.references) ? params.references : []).slice(0, MAX_IMAGES)) {
      if (typeof c !== 'string') continue;
      const r = parseReference(c.slice(0, 4096));
      if (r.ok) refs.set(r.canonical, r);
    }
    const lookup = (await deps.network()) === 'off' ? undefined : deps.lookup;
    for (const r of refs.values()) deps.remember(r);
    if (lookup !== undefined && params.lookup === true) {
      // Each image once (shared and cached by the lookup), bounded in time: an answer with what is known beats a wait.
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(), LOOKUP_WAIT_MS);
      try {
        await Promise.all([...refs.values()].filter((r) => !lookup.fresh(r)).map((r) => lookup.lookup(r, ctl.signal)));
      } finally {
        clearTimeout(timer);
      }
    }
    const now = new Date();
    if (lookup === undefined) {
      const detail = deps.lookup === undefined ? 'registry and trust lookups are not available in this window' : 'lookups are off (dockerfileTrust.network.mode is "off")';
      return { images: [...refs.values()].map((r) => ({ ...imageState(r, undefined, now), signatureDetail: detail })) };
    }
    return { images: [...refs.values()].map((r) => imageState(r, lookup.peek(r), now)) };
  });
}
