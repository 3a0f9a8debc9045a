// Builds the one TrustPolicy from settings and the policy file, directly (no round trip through a document):
// settings entries and file entries go through the same parser, Notary servers are merged once (settings win).
import { parseProductNotationPolicy } from '../notation/productPolicy';
import type { TrustPolicyDocument } from '../notation/policy';
import { EMPTY_POLICY, type PolicyEntry, type TrustPolicy } from './model';
import { parseEntries, parsePolicyDocument } from './parse';
import type { KeyReader } from './signers';

export interface PolicyInputs {
  /** `dockerfileTrust.trust.policy` as the settings hold it (raw entries, checked here). */
  readonly settingsEntries: readonly unknown[];
  /** `dockerfileTrust.notary.servers`, already canonical (protocol.ts). */
  readonly settingsNotaryServers: Readonly<Record<string, string>>;
  /** The policy file, read by the caller: its parsed JSON and directory, or why it could not be read. */
  readonly file?: { readonly path: string; readonly doc: unknown; readonly baseDir: string } | { readonly path: string; readonly error: string };
  /** notation's own trust policy (trustpolicy.oci.json / trustpolicy.json), when the user has one. */
  readonly notationFiles?: { readonly ok: true; readonly value: TrustPolicyDocument } | { readonly ok: false; readonly reason: string; readonly missing?: boolean };
  readonly readKey: KeyReader;
}

export function buildTrustPolicy(inputs: PolicyInputs): TrustPolicy {
  const problems: string[] = [];
  const sources: string[] = [];
  const fromSettings = parseEntries(inputs.settingsEntries, { where: 'dockerfileTrust.trust.policy', origin: 'settings', baseDir: '/', readKey: inputs.readKey });
  problems.push(...fromSettings.errors.map((e) => `trust policy in settings: ${e}`));
  if (inputs.settingsEntries.length > 0) sources.push('settings');
  let entries: PolicyEntry[] = [...fromSettings.entries];
  let notationBlocks = [...fromSettings.notation];
  let notaryServers: Record<string, string> = {};
  const file = inputs.file;
  if (file !== undefined) {
    sources.push(file.path);
    if ('error' in file) problems.push(file.error);
    else {
      const doc = parsePolicyDocument(file.doc, { baseDir: file.baseDir, origin: file.path, readKey: inputs.readKey });
      problems.push(...doc.errors.map((e) => `${file.path}: ${e}`));
      entries = [...entries, ...doc.entries];
      notationBlocks = [...notationBlocks, ...doc.notation];
      notaryServers = { ...doc.notaryServers };
    }
  }
  // Machine settings win over the file for where a registry's Notary server is.
  notaryServers = { ...notaryServers, ...inputs.settingsNotaryServers };

  // An entry's `notation` block becomes its own Notation statement (same order as the entries).
  if (notationBlocks.some((b) => b.notation !== undefined)) {
    const p = parseProductNotationPolicy(notationBlocks, inputs.file?.path ?? 'settings');
    if (p.ok) entries = entries.map((e, i) => (notationBlocks[i]?.notation !== undefined && p.value.policies[i] !== undefined ? { ...e, notation: p.value.policies[i] } : e));
    else problems.push(...p.errors.map((e) => `trust policy: ${e}`));
  }
  let notation: TrustPolicyDocument | null = null;
  if (inputs.notationFiles !== undefined) {
    if (inputs.notationFiles.ok) {
      notation = inputs.notationFiles.value;
      sources.push(inputs.notationFiles.value.source);
    } else if (inputs.notationFiles.missing !== true) problems.push(`notation trust policy: ${inputs.notationFiles.reason}`);
  }
  if (entries.length === 0 && notation === null && problems.length === 0 && Object.keys(notaryServers).length === 0) return EMPTY_POLICY;
  return { entries, notaryServers, notation, problems, sources };
}
