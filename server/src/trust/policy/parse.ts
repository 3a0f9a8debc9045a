// One parser for policy entries, whether they come from settings or from the policy file: every problem is
// reported with its place, nothing is silently dropped or widened, key files come through the injected reader.
import { canonicalRegistry } from '../../core/imageRef';
import { ATTESTATION_ENTRY_FIELDS, parseAttestationRequirements } from '../attestations/policy';
import type { ProductNotationEntry } from '../notation/productPolicy';
import type { PolicyEntry } from './model';
import { compilePattern } from './pattern';
import { isObject, parseSigners, unknownFields, type ParseContext } from './signers';

export const POLICY_VERSION = 1;
/** A list longer than this is a mistake or an attack. */
const MAX_ENTRIES = 1000;
const SEVERITIES = new Set(['error', 'warning', 'information']);
export const ENTRY_FIELDS: ReadonlySet<string> = new Set(['pattern', 'required', 'severity', 'unavailable', 'keys', 'identities', 'notarySigners', 'notation', ...ATTESTATION_ENTRY_FIELDS, 'comment']);
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/;

export interface ParsedEntries {
  readonly entries: readonly PolicyEntry[];
  /** Each entry's `notation` block (undefined when it has none), in order: the Notation policy's input. */
  readonly notation: readonly ProductNotationEntry[];
  readonly errors: readonly string[];
}

export interface EntryContext extends ParseContext {
  /** How the list is named in messages: `images` (a file) or `dockerfileTrust.trust.policy` (settings). */
  readonly where: string;
  /** Where the entries come from, kept on each entry. */
  readonly origin: string;
}

/** Parses a list of policy entries. Reports every problem, not just the first. */
export function parseEntries(list: unknown, ctx: EntryContext): ParsedEntries {
  const errors: string[] = [];
  const entries: PolicyEntry[] = [];
  const notation: ProductNotationEntry[] = [];
  if (!Array.isArray(list)) return { entries, notation, errors: [`${ctx.where}: must be an array of entries`] };
  if (list.length > MAX_ENTRIES) errors.push(`${ctx.where}: more than ${MAX_ENTRIES} entries`);
  list.slice(0, MAX_ENTRIES).forEach((raw: unknown, i) => {
    const where = `${ctx.where}[${i}]`;
    if (!isObject(raw)) return void errors.push(`${where}: must be an object`);
    unknownFields(raw, ENTRY_FIELDS, where, errors);
    const pattern = raw['pattern'];
    if (typeof pattern !== 'string') return void errors.push(`${where}: "pattern" must be a string`);
    const matcher = compilePattern(pattern);
    if (typeof matcher === 'string') return void errors.push(`${where}: ${matcher}`);
    const required = raw['required'] ?? false;
    if (typeof required !== 'boolean') errors.push(`${where}: "required" must be true or false`);
    const severity = raw['severity'] ?? 'error';
    if (typeof severity !== 'string' || !SEVERITIES.has(severity)) errors.push(`${where}: "severity" must be error, warning or information`);
    // What "cannot be checked" (trust server down, retired, offline, a stale tag answer) is under this entry.
    const unavailable = raw['unavailable'];
    if (unavailable !== undefined && (typeof unavailable !== 'string' || !SEVERITIES.has(unavailable))) errors.push(`${where}: "unavailable" must be error, warning or information`);
    const signers = parseSigners(raw, where, ctx, errors) ?? { keys: [], identities: [] };
    const notarySigners: string[] = [];
    const rawSigners = raw['notarySigners'] ?? [];
    if (!Array.isArray(rawSigners) || rawSigners.some((x) => typeof x !== 'string' || x === '')) errors.push(`${where}: "notarySigners" must be an array of signer names`);
    else notarySigners.push(...(rawSigners as string[]));
    const att = parseAttestationRequirements(raw, { where, baseDir: ctx.baseDir, readKey: ctx.readKey, entrySigners: signers });
    if (!att.ok) errors.push(...att.errors);
    const hasAttestations = att.ok && (att.value.provenance !== undefined || att.value.scans !== undefined || att.value.attestationRepository !== undefined);
    notation.push({ pattern, notation: raw['notation'] });
    entries.push({
      pattern,
      matcher,
      required: required === true,
      severity: SEVERITIES.has(severity as string) ? (severity as PolicyEntry['severity']) : 'error',
      ...(typeof unavailable === 'string' && SEVERITIES.has(unavailable) ? { unavailable: unavailable as NonNullable<PolicyEntry['unavailable']> } : {}),
      keys: signers.keys,
      identities: signers.identities,
      notarySigners,
      ...(hasAttestations && att.ok ? { attestations: att.value } : {}),
      origin: `${ctx.origin} ${where}`,
    });
  });
  return { entries, notation, errors };
}

/** Registry host → Notary server URL, hosts in canonical form. */
export function parseNotaryServers(raw: unknown, where: string, errors: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  if (!isObject(raw)) {
    errors.push(`${where}: must map registry hosts to https URLs`);
    return out;
  }
  for (const [host, url] of Object.entries(raw)) {
    const h = host.trim().toLowerCase();
    if (!HOST.test(h)) errors.push(`${where}["${host}"]: not a registry host`);
    else if (typeof url !== 'string' || !/^https?:\/\/[^/\s]+/.test(url)) errors.push(`${where}["${host}"]: must be a URL`);
    else out[canonicalRegistry(h)] = url.replace(/\/+$/, '');
  }
  return out;
}

export interface ParsedDocument extends ParsedEntries {
  readonly notaryServers: Readonly<Record<string, string>>;
}

/** Checks and compiles a policy file's parsed JSON. Key paths are relative to `ctx.baseDir`. */
export function parsePolicyDocument(doc: unknown, ctx: Omit<EntryContext, 'where'>): ParsedDocument {
  if (!isObject(doc)) return { entries: [], notation: [], notaryServers: {}, errors: ['policy must be a JSON object with "version" and "images"'] };
  const errors: string[] = [];
  unknownFields(doc, new Set(['version', 'images', 'notaryServers', 'comment', '$schema']), 'policy', errors);
  if (doc['version'] !== POLICY_VERSION) errors.push(`policy: "version" must be ${POLICY_VERSION}`);
  const notaryServers = parseNotaryServers(doc['notaryServers'], 'policy.notaryServers', errors);
  const parsed = parseEntries(doc['images'], { ...ctx, where: 'images' });
  return { entries: parsed.entries, notation: parsed.notation, notaryServers, errors: [...errors, ...parsed.errors] };
}
