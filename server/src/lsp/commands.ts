// Server side of the extension's commands: inventory, pinning, refresh, trust details and status, as custom requests.
import type { Connection } from 'vscode-languageserver/node';
import { analyze } from '../core/analyze';
import type { ImageFacts, TrustFact } from '../core/facts';
import { parseReference, type ParsedReference } from '../core/imageRef';
import type { ImageUse } from '../core/model';
import { pinEdit } from '../core/pin';
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
  type SignatureState,
  type StatusParams,
  type TrustDetailsParams,
  type TrustDetailsResult,
} from '../protocol';
import type { ImageLookup } from '../trust/service';

export interface CommandDeps {
  /** Registry/trust lookups; absent = the server runs syntax-only and says so. */
  readonly lookup?: ImageLookup;
  /** Settings for a document (the server's own per-resource cache); falls back to asking the client. */
  readonly settingsFor?: (uri: string) => Promise<Settings>;
  /** Re-validates every open document (after a refresh). */
  readonly revalidateAll: () => void;
}

/** How long a person-started request waits for lookups before answering with what is known. */
const LOOKUP_WAIT_MS = 15_000;
/** Longest text accepted from the client: Dockerfiles are small; anything bigger is not one. */
const MAX_TEXT = 1_000_000;

export function registerCommands(connection: Connection, deps: CommandDeps): void {
  // Images named in the workspace (through these requests), for the status item; their facts are read fresh at status time.
  const seen = new Map<string, ParsedReference>();
  const MAX_SEEN = 2000;
  const remember = (r: ParsedReference): void => {
    if (seen.size < MAX_SEEN || seen.has(r.canonical)) seen.set(r.canonical, r);
  };

  async function settingsFor(uri: string): Promise<Settings> {
    if (deps.settingsFor !== undefined) return deps.settingsFor(uri);
    try {
      return normalizeSettings(await connection.workspace.getConfiguration({ scopeUri: uri, section: 'dockerfileTrust' }));
    } catch {
      return DEFAULT_SETTINGS;
    }
  }

  function canLookUp(settings: Settings): ImageLookup | undefined {
    return settings.networkEnabled ? deps.lookup : undefined;
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
    const { model } = analyze(text, { buildArgs: settings.buildArgs, platform: settings.platform, phase: 'syntax' });
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
        skipped.push({ text: use.text, line, reason: 'registry lookups are off (dockerfileTrust.network.enabled) or not available' });
        continue;
      }
      // Same choice as the quick fix; a bulk edit takes only the preferred pin (signed, or registry when no trust source applies).
      const choice = pinChoices(use.ref, lookup.peek(use.ref), { platform: settings.platform }).find((c) => c.preferred);
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

  connection.onRequest(Requests.refresh, (): void => {
    deps.lookup?.refresh();
    deps.revalidateAll();
    void connection.sendNotification(Requests.status, status());
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

  connection.onRequest(Requests.getStatus, (): StatusParams => status());

  function status(): StatusParams {
    if (deps.lookup === undefined) {
      return { text: 'syntax checks only', detail: 'Registry and trust lookups are not available in this server.', severity: 'warning' };
    }
    let oldest: string | null = null;
    const unreachable: string[] = [];
    let checked = 0;
    for (const ref of seen.values()) {
      const f = deps.lookup.peek(ref);
      if (f === undefined) continue;
      checked++;
      const r = f.registry;
      if (r !== undefined && (oldest === null || r.lookedUpAt < oldest)) oldest = r.lookedUpAt;
      if (r?.state === 'error' && (r.kind === 'unreachable' || r.kind === 'timeout' || r.kind === 'tls')) unreachable.push(`${r.registry}: ${r.message}`);
      for (const t of f.trust ?? []) if (t.state === 'unavailable') unreachable.push(`${t.server}: ${t.reason}`);
    }
    const age = oldest === null ? 'no lookups yet' : `oldest answer ${ageText(Date.now() - Date.parse(oldest))} old`;
    if (unreachable.length > 0) {
      return { text: `trust sources unreachable (${unreachable.length})`, detail: `${[...new Set(unreachable)].slice(0, 5).join('; ')} — ${age}`, severity: 'error' };
    }
    return { text: 'trust sources reachable', detail: `${checked} image(s) checked — ${age}`, severity: 'ok' };
  }
}

function isExternal(u: ImageUse): u is ImageUse & { ref: ParsedReference } {
  return u.kind === 'image' && u.ref !== null && u.ref.ok;
}

/** Why no pin is offered for an image in a bulk pin, in words. */
export function pinDigestProblem(facts: ImageFacts | undefined): string {
  if (facts === undefined) return 'nothing known about this image yet (lookup still running or timed out)';
  const invalid = facts.trust?.find((t) => t.state === 'invalid');
  // Trust data that failed verification may be an attack in progress: pinning whatever the registry says would bless it.
  if (invalid !== undefined && invalid.state === 'invalid') return `trust data failed verification (${invalid.reason})`;
  const r = facts.registry;
  if (r?.state === 'error') return r.message;
  const other = facts.trust?.find((t): t is Extract<TrustFact, { state: 'unsigned' | 'unavailable' }> => t.state === 'unsigned' || t.state === 'unavailable');
  if (other !== undefined) {
    return `no signed digest (${other.reason}); the quick fix offers the unverified registry digest explicitly`;
  }
  return 'no digest known for this tag';
}

export function signatureOf(facts: ImageFacts | undefined): { state: SignatureState; detail: string; signers: string[]; expires: string | null } {
  const trust = facts?.trust ?? [];
  const signed = trust.find((t): t is Extract<TrustFact, { state: 'signed' }> => t.state === 'signed');
  if (signed !== undefined) {
    const signers = signed.signers.map((s) => s.name);
    return { state: 'signed', detail: `signed (${signed.source}) by ${signers.join(', ') || signed.role}`, signers, expires: signed.expires };
  }
  for (const want of ['invalid', 'unsigned', 'unavailable'] as const) {
    const t = trust.find((x) => x.state === want);
    if (t !== undefined && t.state !== 'signed') return { state: want, detail: `${want} (${t.source}): ${t.reason}`, signers: [], expires: null };
  }
  return { state: 'unknown', detail: facts === undefined ? 'not looked up yet' : 'no trust source answered', signers: [], expires: null };
}

export function describeUse(u: ImageUse, facts: ImageFacts | undefined): ImageUseInfo {
  const ref = isExternal(u) ? u.ref : null;
  const sig = ref === null ? { state: 'not-applicable' as const, detail: u.kind, signers: [], expires: null } : signatureOf(facts);
  const reg = facts?.registry;
  return {
    text: u.text,
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
    registryError: reg?.state === 'error' ? reg.message : null,
  };
}

function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** Text from the network goes into Markdown: neutralise markup so it cannot inject links or HTML. */
function mdEscape(s: string): string {
  // Only what can make links, HTML, emphasis or table cells: the document is read as Markdown source too.
  return s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
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
    out.push('', '## Policy', '', `- signature required: ${facts.policy.required ? 'yes' : 'no'}`);
    if (facts.policy.signers !== undefined && facts.policy.signers.length > 0) out.push(`- accepted signers: ${facts.policy.signers.map(mdEscape).join(', ')}`);
  }
  out.push('', '## Signatures', '');
  const trust = facts.trust ?? [];
  if (trust.length === 0) out.push('- no trust source answered');
  for (const t of trust) {
    out.push(`### ${t.source} — ${t.state}`, '', `- server: ${mdEscape(t.server)}`, `- verified at: ${t.verifiedAt}`);
    if (t.state === 'signed') {
      out.push(`- role: ${mdEscape(t.role)}`, `- signed digest: \`${t.signedDigest}\``);
      if (t.signedDigests.length > 1) out.push(`- all signed digests for this tag: ${t.signedDigests.map((d) => `\`${d}\``).join(', ')}`);
      out.push(`- expires (earliest in chain): ${t.expires ?? 'unknown'}`, `- root expires: ${t.rootExpires ?? 'unknown'}`, '', '| signer | key IDs |', '|---|---|');
      for (const s of t.signers) out.push(`| ${mdEscape(s.name)} | ${s.keyIds.map((k) => `\`${k.replace(/`/g, '')}\``).join(' ')} |`);
      if (t.details !== undefined && t.details.length > 0) out.push('', '#### Chain', '', ...t.details.map((d) => `- ${mdEscape(d)}`));
    } else if (t.state === 'invalid') out.push(`- failed check: ${mdEscape(t.reason)}`, `- attack stopped: ${mdEscape(t.attack)}`);
    else out.push(`- reason: ${mdEscape(t.reason)}`);
    out.push('');
  }
  return out.join('\n') + '\n';
}
