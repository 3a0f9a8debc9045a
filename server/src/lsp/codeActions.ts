// Code actions: quick fixes for the diagnostics the client sends back (matched to the latest analysis by code and
// range), "Ignore this finding on this line" and "Show rule documentation" on every one, and the source actions "fix
// all" and "pin all in this file". An action that cannot run now is shown disabled with the reason (where the client
// supports it), never offered as if it would work. Nothing is kept between diagnostic and click.
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisResult } from '../core/analyze';
import { fixEdits } from '../core/fixAll';
import { ignoreEdit } from '../core/ignore';
import type { ParsedReference } from '../core/imageRef';
import type { Finding } from '../core/types';
import type { AnalysisSettings, NetworkMode } from '../protocol';
import type { ImageLookup } from '../trust/service';
import { ADD_CHECKSUM, hostOf } from './checksum';
import { findingKey, SOURCE } from './convert';
import { pinActions, type PinContext } from './pinActions';
import { pinFixActions, type PinServices } from './pinFixes';

/** Source action kind for "Pin all images in this file". */
export const PIN_ALL = 'source.pinAll.dockerfileTrust';
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, PIN_ALL];
/** The client command that shows a rule's page, rendered (the extension registers it). */
export const SHOW_RULE_DOC = 'dockerfileTrust.showRuleDoc';

export interface CodeActionContext {
  readonly doc: TextDocument;
  readonly result: AnalysisResult | null;
  readonly settings: AnalysisSettings;
  readonly lookup: ImageLookup | undefined;
  /** Whether the ADD --checksum command is available (a network layer exists). */
  readonly canChecksum: boolean;
  /** The network answers "Pin this download" / "Pin this clone" need (absent = those fixes are not offered). */
  readonly pins: PinServices;
  /** What may leave the machine now: the fixes that fetch something need "on". */
  readonly network: NetworkMode;
  /** Why an image's digest is not known yet, in words (offline, not in the cache, still being typed, …). */
  readonly whyNoDigest: PinContext['whyNoDigest'];
  /** The client shows disabled actions with their reason (CodeAction.disabled); otherwise they are left out. */
  readonly disabledSupport: boolean;
  /** The client has the command that shows a rule's page (our extension does). */
  readonly ruleDocs: boolean;
}

function disabled(title: string, reason: string, d: Diagnostic): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [d], disabled: { reason } };
}

/** Why a fix that fetches something cannot run in this network mode; null when it can. */
function fetchBlocked(network: NetworkMode): string | null {
  if (network === 'cacheOnly') return 'Working offline (dockerfileTrust.network.mode is "cacheOnly"): nothing is fetched. Go online to use it.';
  if (network === 'off') return 'Lookups are off (dockerfileTrust.network.mode is "off"): nothing is fetched.';
  return null;
}

export function codeActions(params: CodeActionParams, c: CodeActionContext): CodeAction[] {
  const uri = c.doc.uri;
  const platform = c.settings.pinPlatformDigest ? c.settings.platform : undefined;
  const actions: CodeAction[] = [];
  const findings = c.result?.findings ?? [];
  const offer = (a: CodeAction): void => {
    if (a.disabled === undefined || c.disabledSupport) actions.push(a);
  };
  // The diagnostics the client sends back are matched to the latest analysis by code and range; one that no
  // longer matches (the text moved on) gets no action until its new diagnostics arrive.
  const byKey = new Map<string, Finding>();
  for (const f of findings) byKey.set(findingKey(f.code, f.range), f);
  const tail: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    const f = d.source === SOURCE ? byKey.get(findingKey(d.code, d.range)) : undefined;
    if (f === undefined) continue;
    const pin: PinContext = { lookup: c.lookup, whyNoDigest: c.whyNoDigest, ...(platform !== undefined ? { platform } : {}) };
    for (const a of pinActions(uri, d, f.data, pin)) offer(a);
    const cd = f.data as { kind?: unknown; url?: unknown; insertAt?: unknown } | undefined;
    if (c.canChecksum && cd?.kind === 'add-checksum' && typeof cd.url === 'string' && /^https:\/\//i.test(cd.url)) {
      const title = `Add --checksum (downloads ${hostOf(cd.url)} once to compute its sha256)`;
      const blocked = fetchBlocked(c.network);
      offer(
        blocked !== null
          ? disabled(title, blocked, d)
          : { title, kind: CodeActionKind.QuickFix, diagnostics: [d], command: { title: 'Add --checksum', command: ADD_CHECKSUM, arguments: [{ uri: uri, url: cd.url, insertAt: cd.insertAt }] } },
      );
    }
    const blocked = fetchBlocked(c.network);
    for (const a of pinFixActions(c.doc, d, f, c.pins)) offer(blocked !== null ? disabled(a.title, blocked, d) : a);
    for (const fix of f.fixes ?? []) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: fix.safe,
        edit: { changes: { [uri]: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
      });
    }
    // On every diagnostic, after its fixes: silence it here, or read why it matters.
    if (c.result !== null) {
      const title = `Ignore ${f.code} (${f.ruleId}) on this line`;
      const ignore = ignoreEdit(c.result.model, f);
      if (ignore.ok) tail.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: { changes: { [uri]: [ignore.edit] } } });
      else if (c.disabledSupport) tail.push(disabled(title, `It cannot be ignored here: ${ignore.reason}.`, d));
    }
    if (c.ruleDocs) tail.push({ title: `Show documentation for ${f.code} (${f.ruleId})`, kind: CodeActionKind.QuickFix, diagnostics: [d], command: { title: 'Show rule documentation', command: SHOW_RULE_DOC, arguments: [f.ruleId] } });
  }
  actions.push(...tail);
  // Source actions: only when asked for (fix-all on save, the source action menu), never mixed into quick fixes.
  const only = params.context.only ?? [];
  const wants = (kind: string): boolean => only.some((k) => kind === k || kind.startsWith(`${k}.`));
  const peek = c.lookup !== undefined ? (r: ParsedReference) => c.lookup!.peek(r) : undefined;
  if (wants(CodeActionKind.SourceFixAll)) {
    const edits = fixEdits(findings, peek);
    if (edits.length > 0) actions.push({ title: 'Fix all Dockerfile Trust findings (exact fixes and pins)', kind: CodeActionKind.SourceFixAll, edit: { changes: { [uri]: edits } } });
  }
  if (wants(PIN_ALL)) {
    const edits = fixEdits(findings, peek, new Map(), { exact: false });
    if (edits.length > 0) actions.push({ title: `Pin all images in this file (${edits.length})`, kind: PIN_ALL, edit: { changes: { [uri]: edits } } });
  }
  return actions;
}
