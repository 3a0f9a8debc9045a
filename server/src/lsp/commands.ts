// Server side of the extension's commands: inventory, pinning, refresh, trust details and status, as custom requests.
import type { Connection } from 'vscode-languageserver/node';
import { analyze } from '../core/analyze';
import type { ImageFacts } from '../core/facts';
import { ROOT_NAMES, verdictHeadline } from '../core/describe';
import { trustVerdict } from '../core/verdict';
import { parseReference, type ParsedReference } from '../core/imageRef';
import type { ImageUse } from '../core/model';
import { pinEdit } from '../core/pin';
import { MAX_TEXT as MAX_LINE, printable } from '../core/text';
import { pinChoices } from '../core/pinChoice';
import {
  DEFAULT_SETTINGS,
  normalizeSettings,
  Requests,
  type DocumentTextParams,
  type ImageUseInfo,
  type ImageUsesResult,
  type PinEditsResult,
  type Settings,
  type StatusParams,
  type TrustDetailsParams,
  type TrustDetailsResult,
} from '../protocol';
import type { ImageLookup } from '../trust/service';
import { describeUse, isExternal } from './inventory';
import { attestationMarkdown } from './provenance';
import { pinDigestProblem } from './pinActions';

export interface CommandDeps {
  /** Registry/trust lookups; absent = the server runs syntax-only and says so. */
  readonly lookup?: ImageLookup;
  /** Settings for a document (the server's own per-resource cache); falls back to asking the client. */
  readonly settingsFor?: (uri: string) => Promise<Settings>;
  /** Re-validates every open document (after a refresh). */
  readonly revalidateAll: () => void;
  /** Forgets which hosts could not be reached (Retry). */
  readonly retry?: () => void;
  /** An image the workspace uses (inventory, trust details): the status counts it. */
  readonly remember?: (ref: ParsedReference) => void;
  /** The workspace's status now. */
  readonly status: () => Promise<StatusParams>;
  /** Something the status depends on changed. */
  readonly statusChanged?: () => void;
}

/** How long a person-started request waits for lookups before answering with what is known. */
const LOOKUP_WAIT_MS = 15_000;
/** Longest text accepted from the client: Dockerfiles are small; anything bigger is not one. */
const MAX_TEXT = 1_000_000;

export function registerCommands(connection: Connection, deps: CommandDeps): void {
  const remember = (r: ParsedReference): void => deps.remember?.(r);

  async function settingsFor(uri: string): Promise<Settings> {
    if (deps.settingsFor !== undefined) return deps.settingsFor(uri);
    try {
      return normalizeSettings(await connection.workspace.getConfiguration({ scopeUri: uri, section: 'dockerfileTrust' }));
    } catch {
      return DEFAULT_SETTINGS;
    }
  }

  function canLookUp(settings: Settings): ImageLookup | undefined {
    return settings.machine.network !== 'off' ? deps.lookup : undefined;
  }

  /** Looks every external image up, bounded in time; answers are read back through peek. */
  async function lookUpAll(lookup: ImageLookup, refs: readonly ParsedReference[]): Promise<void> {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), LOOKUP_WAIT_MS);
    try {
      const unique = new Map(refs.map((r) => [r.canonical, r]));
      await Promise.all([...unique.values()].map((r) => lookup.lookup(r, ctl.signal).then(() => remember(r))));
    } finally {
      clearTimeout(timer);
    }
  }

  async function usesOf(params: DocumentTextParams): Promise<{ uses: readonly ImageUse[]; settings: Settings; lookup: ImageLookup | undefined }> {
    const settings = await settingsFor(params.uri);
    const text = typeof params.text === 'string' ? params.text.slice(0, MAX_TEXT) : '';
    const { model } = analyze(text, { buildArgs: settings.analysis.buildArgs, platform: settings.analysis.platform, phase: 'syntax' });
    const lookup = canLookUp(settings);
    if (lookup !== undefined && params.lookup === true) await lookUpAll(lookup, model.images.flatMap((u) => (isExternal(u) ? [u.ref] : [])));
    return { uses: model.images, settings, lookup };
  }

  connection.onRequest(Requests.imageUses, async (params: DocumentTextParams): Promise<ImageUsesResult> => {
    const { uses, lookup } = await usesOf(params);
    for (const u of uses) if (isExternal(u)) remember(u.ref);
    return { uses: uses.map((u) => describeUse(u, isExternal(u) ? lookup?.peek(u.ref) : undefined)) };
  });

  connection.onRequest(Requests.pinEdits, async (params: DocumentTextParams): Promise<PinEditsResult> => {
    const { uses, lookup, settings } = await usesOf({ ...params, lookup: true });
    const edits: { range: ImageUseInfo['range']; newText: string; label: string }[] = [];
    const skipped: { text: string; line: number; reason: string }[] = [];
    for (const use of uses) {
      if (!isExternal(use) || use.ref.digest !== null) continue;
      const line = use.line;
      if (lookup === undefined) {
        skipped.push({ text: use.text, line, reason: deps.lookup === undefined ? 'registry lookups are not available in this window (Restricted Mode)' : 'registry lookups are off (dockerfileTrust.network.mode is "off")' });
        continue;
      }
      // Same choice as the quick fix; a bulk edit takes only the preferred pin (signed, or registry when no trust source applies).
      const choice = pinChoices(use.ref, lookup.peek(use.ref), { platform: settings.analysis.platform }).find((c) => c.preferred);
      if (choice === undefined) {
        skipped.push({ text: use.text, line, reason: pinDigestProblem(lookup.peek(use.ref)) });
        continue;
      }
      const edit = pinEdit(use, choice.digest);
      if (!edit.ok) {
        skipped.push({ text: use.text, line, reason: edit.reason });
        continue;
      }
      edits.push({ range: edit.edit.range, newText: edit.edit.newText, label: `${choice.title}` });
    }
    return { edits, skipped };
  });

  connection.onRequest(Requests.refresh, async (): Promise<void> => {
    // Retry: forget the hosts that were down and every cached answer, then ask again for what is open.
    deps.retry?.();
    deps.lookup?.refresh();
    deps.revalidateAll();
    void connection.sendNotification(Requests.status, await deps.status());
  });

  connection.onRequest(Requests.trustDetails, async (params: TrustDetailsParams): Promise<TrustDetailsResult> => {
    const raw = typeof params?.reference === 'string' ? params.reference.trim().slice(0, 4096) : '';
    const ref = parseReference(raw);
    if (!ref.ok) return { markdown: `# ${mdEscape(raw)}\n\nNot an image reference: ${mdEscape(ref.reason)}\n` };
    const lookup = deps.lookup;
    if (lookup === undefined) return { markdown: `# ${mdEscape(ref.familiar)}\n\nRegistry and trust lookups are not available in this server.\n` };
    let facts = lookup.peek(ref);
    if (facts === undefined) {
      await lookUpAll(lookup, [ref]);
      facts = lookup.peek(ref);
    }
    remember(ref);
    return { markdown: trustMarkdown(ref, facts) };
  });

  connection.onRequest(Requests.getStatus, (): Promise<StatusParams> => deps.status());
}


/** Text from the network goes into Markdown: neutralise markup so it cannot inject links or HTML. */
function mdEscape(s: string): string {
  // Only what can make links, HTML, emphasis or table cells: the document is read as Markdown source too.
  return printable(s, 2 * MAX_LINE).replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

export function trustMarkdown(ref: ParsedReference, facts: ImageFacts | undefined): string {
  const out: string[] = [`# Trust details: ${mdEscape(ref.familiar)}`, '', `Canonical reference: \`${ref.canonical.replace(/`/g, '')}\``, ''];
  if (facts === undefined) {
    out.push('Nothing is known about this image yet: the lookup is still running, timed out, or lookups are off.');
    return out.join('\n') + '\n';
  }
  out.push('## Registry', '');
  const r = facts.registry;
  if (r === undefined) out.push('- not looked up');
  else if (r.state === 'ok') {
    out.push(`- registry: ${mdEscape(r.registry)}`, `- digest: \`${r.digest}\``, `- media type: ${mdEscape(r.mediaType)}`, `- looked up: ${r.lookedUpAt}${r.fromCache ? ' (from cache)' : ''}`);
    if (r.pinnedDigestKnown !== undefined) out.push(`- pinned digest known to the registry: ${r.pinnedDigestKnown ? 'yes' : 'NO'}`);
    if (r.platforms.length > 0) {
      out.push('', '| platform | digest |', '|---|---|');
      for (const p of r.platforms) out.push(`| ${mdEscape(`${p.os}/${p.architecture}${p.variant !== undefined ? `/${p.variant}` : ''}`)} | \`${p.digest}\` |`);
    }
  } else out.push(`- error (${r.kind}) from ${mdEscape(r.registry)}: ${mdEscape(r.message)}`, `- at: ${r.lookedUpAt}`);
  if (facts.policy !== undefined) {
    out.push('', '## Policy', '', `- signature required: ${facts.policy.required ? 'yes' : 'no'}${facts.policy.requiredBy !== undefined ? ` (by ${mdEscape(facts.policy.requiredBy)})` : ''}`);
    if (facts.policy.signers !== undefined && facts.policy.signers.length > 0) out.push(`- accepted signers: ${facts.policy.signers.map(mdEscape).join(', ')}`);
  }
  const v = trustVerdict(ref, facts, new Date());
  out.push('', '## Verdict', '', `- digest judged: ${v.digest !== null ? `\`${v.digest}\`` : 'unknown'} (${v.basis === 'pinned' ? 'the pin' : 'what the registry says the tag points to'})`, `- ${mdEscape(verdictHeadline(v, facts, new Date()))}${v.verified ? ' (verified)' : ' (not verified)'}`);
  out.push('', '## Signatures', '');
  const trust = facts.trust ?? [];
  if (trust.length === 0) out.push('- no trust source answered');
  for (const t of trust) {
    out.push(`### ${t.source} — ${t.state}`, '', `- server: ${mdEscape(t.server)}`, `- verified at: ${t.verifiedAt}`);
    if (t.state === 'signed') {
      if (t.tagDigest !== null) out.push(`- docker's choice for ${mdEscape(t.subject.tag ?? '')}: \`${t.tagDigest}\``);
      out.push(`- ${ROOT_NAMES[t.source].toLowerCase()} expires: ${t.rootExpires ?? 'unknown'}`);
      // One section per signed digest, naming exactly its signers: no statement mixes two digests.
      for (const d of t.signed) {
        out.push('', `#### \`${d.digest}\``, '', `- expires (earliest in its chain): ${d.expires ?? 'unknown'}`, '', '| signer | role | key IDs |', '|---|---|---|');
        for (const s of d.signers) out.push(`| ${mdEscape(s.name)} | ${mdEscape(s.role)} | ${s.keyIds.map((k) => `\`${k.replace(/`/g, '')}\``).join(' ')} |`);
      }
      if (t.details !== undefined && t.details.length > 0) out.push('', `#### ${t.source === 'notary' ? 'Chain' : 'Details'}`, '', ...t.details.map((d) => `- ${mdEscape(d)}`));
    } else if (t.state === 'invalid') out.push(`- failed check: ${mdEscape(t.reason)}`, `- attack stopped: ${mdEscape(t.attack)}`);
    else out.push(`- reason: ${mdEscape(t.reason)}`);
    out.push('');
  }
  if (facts.attestations !== undefined) out.push(...attestationMarkdown(ref, facts, mdEscape));
  return out.join('\n') + '\n';
}
