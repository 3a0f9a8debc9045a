// Pin quick fixes: computed at click time from the diagnostic's data and the facts known now (no state kept in between).
// When no digest can be offered, the pin is shown disabled with the reason (offline, not in the cache, still being typed).
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver/node';
import type { ImageFacts, TrustFact } from '../core/facts';
import { parseReference, type ParsedReference } from '../core/imageRef';
import { connectionProblem, isImageSpecific } from '../core/lookupFailure';
import { pinEdit } from '../core/pin';
import { pinChoices } from '../core/pinChoice';
import type { FixData } from '../core/types';
import type { NetworkMode } from '../protocol';
import type { ImageLookup } from '../trust/service';

interface PinLike {
  readonly kind: string;
  readonly canonical?: unknown;
  readonly text?: unknown;
  readonly hasVariables?: unknown;
}

export interface PinContext {
  /** Undefined when lookups are off. */
  readonly lookup: ImageLookup | undefined;
  readonly whyNoDigest: (ref: ParsedReference) => NoDigest;
  readonly platform?: string;
}

export function pinActions(uri: string, diagnostic: Diagnostic, findingData: FixData | undefined, c: PinContext): CodeAction[] {
  const data = findingData as PinLike | undefined;
  if (data === undefined || typeof data.canonical !== 'string' || typeof data.text !== 'string') return [];
  if (data.kind !== 'pin' && data.kind !== 'repin') return [];
  const ref = parseReference(data.canonical);
  if (!ref.ok) return [];
  const facts = c.lookup?.peek(ref);
  const actions: CodeAction[] = [];
  let problem: string | null = null;
  for (const choice of pinChoices(ref, facts, c.platform !== undefined ? { platform: c.platform } : {})) {
    const edit = pinEdit({ text: data.text, range: diagnostic.range, hasVariables: data.hasVariables === true, kind: 'image' }, choice.digest);
    if (!edit.ok) {
      problem ??= `The pin cannot be written here: ${edit.reason}.`;
      continue;
    }
    actions.push({
      title: choice.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: choice.preferred,
      edit: { changes: { [uri]: [edit.edit] } },
    });
  }
  if (actions.length > 0) return actions;
  // Nothing to offer: say why, on the action itself — its title says it in a few words (VS Code shows disabled
  // actions greyed out by title), its `disabled.reason` in a sentence.
  const why: NoDigest =
    problem !== null
      ? { short: 'cannot be written here', reason: problem }
      : facts === undefined || facts.registry?.state === 'error'
        ? c.whyNoDigest(ref)
        : { short: 'no digest to offer', reason: `${capital(pinDigestProblem(facts))}.` };
  return [{ title: `Pin ${ref.familiar} to a digest (${why.short})`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], disabled: { reason: why.reason } }];
}

/** Why no digest is known: a few words for the action's title, and the sentence for its reason. */
export interface NoDigest {
  readonly short: string;
  readonly reason: string;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Why no digest is known for an image, in words a person can act on. */
export function noDigestReason(ref: ParsedReference, facts: ImageFacts | undefined, mode: NetworkMode, stillChanging: boolean): NoDigest {
  const name = ref.familiar;
  if (mode === 'off') return { short: 'lookups are off', reason: `Lookups are off (dockerfileTrust.network.mode is "off"), so the digest of ${name} is not known.` };
  const r = facts?.registry;
  if (r?.state === 'error' && isImageSpecific(r.kind)) return { short: `registry lookup failed: ${r.kind}`, reason: `The registry lookup of ${name} failed (${r.kind}): ${r.message}.` };
  if (mode === 'cacheOnly') return { short: 'working offline: not in the cache', reason: `Working offline: ${name} is not in the cache, so its digest is not known. Go online (Dockerfile Trust status) to look it up.` };
  if (r?.state === 'error') return { short: `offline: ${connectionProblem(r)}`, reason: `Offline: ${connectionProblem(r)}, so the digest of ${name} is not known. Use Retry in the Dockerfile Trust status when the network is back.` };
  if (stillChanging) return { short: 'looked up once it stops changing', reason: `${name} is looked up once it stops changing (or when the file is saved); try again in a moment.` };
  return { short: 'being looked up', reason: `The digest of ${name} is being looked up; try again in a moment.` };
}

/** Why no pin is offered for an image whose lookup answered, in words. */
export function pinDigestProblem(facts: ImageFacts | undefined): string {
  if (facts === undefined) return 'nothing known about this image yet (lookup still running or timed out)';
  const invalid = facts.trust?.find((t) => t.state === 'invalid');
  // Trust data that failed verification may be an attack in progress: pinning whatever the registry says would bless it.
  if (invalid !== undefined && invalid.state === 'invalid') return `trust data failed verification (${invalid.reason})`;
  const r = facts.registry;
  if (r?.state === 'error') return isImageSpecific(r.kind) ? r.message : connectionProblem(r);
  const other = facts.trust?.find((t): t is Extract<TrustFact, { state: 'unsigned' | 'unavailable' }> => t.state === 'unsigned' || t.state === 'unavailable');
  if (other !== undefined) {
    return `no signed digest (${other.reason}); the quick fix offers the unverified registry digest explicitly`;
  }
  return 'no digest known for this tag';
}
