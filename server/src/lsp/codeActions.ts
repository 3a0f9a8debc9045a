// Code actions: quick fixes for the diagnostics the client sends back (matched to the latest analysis by code and
// range), and the source actions "fix all" and "pin all in this file". Nothing is kept between diagnostic and click.
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisResult } from '../core/analyze';
import { fixEdits } from '../core/fixAll';
import type { ParsedReference } from '../core/imageRef';
import type { Finding } from '../core/types';
import type { AnalysisSettings } from '../protocol';
import type { ImageLookup } from '../trust/service';
import { ADD_CHECKSUM, hostOf } from './checksum';
import { findingKey, SOURCE } from './convert';
import { pinActions } from './pinActions';
import { pinFixActions, type PinServices } from './pinFixes';

/** Source action kind for "Pin all images in this file". */
export const PIN_ALL = 'source.pinAll.dockerfileTrust';
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, PIN_ALL];

export interface CodeActionContext {
  readonly doc: TextDocument;
  readonly result: AnalysisResult | null;
  readonly settings: AnalysisSettings;
  readonly lookup: ImageLookup | undefined;
  /** Whether the ADD --checksum command is available (a network layer exists). */
  readonly canChecksum: boolean;
  /** The network answers "Pin this download" / "Pin this clone" need (absent = those fixes are not offered). */
  readonly pins: PinServices;
}

export function codeActions(params: CodeActionParams, c: CodeActionContext): CodeAction[] {
  const uri = c.doc.uri;
  const platform = c.settings.pinPlatformDigest ? c.settings.platform : undefined;
  const actions: CodeAction[] = [];
  const findings = c.result?.findings ?? [];
  // The diagnostics the client sends back are matched to the latest analysis by code and range; one that no
  // longer matches (the text moved on) gets no action until its new diagnostics arrive.
  const byKey = new Map<string, Finding>();
  for (const f of findings) byKey.set(findingKey(f.code, f.range), f);
  for (const d of params.context.diagnostics) {
    const f = d.source === SOURCE ? byKey.get(findingKey(d.code, d.range)) : undefined;
    if (f === undefined) continue;
    if (c.lookup !== undefined) actions.push(...pinActions(uri, d, f.data, c.lookup, platform));
    const cd = f.data as { kind?: unknown; url?: unknown; insertAt?: unknown } | undefined;
    if (c.canChecksum && cd?.kind === 'add-checksum' && typeof cd.url === 'string' && /^https:\/\//i.test(cd.url)) {
      actions.push({
        title: `Add --checksum (downloads ${hostOf(cd.url)} once to compute its sha256)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        command: { title: 'Add --checksum', command: ADD_CHECKSUM, arguments: [{ uri: uri, url: cd.url, insertAt: cd.insertAt }] },
      });
    }
    actions.push(...pinFixActions(c.doc, d, f, c.pins));
    for (const fix of f.fixes ?? []) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: fix.safe,
        edit: { changes: { [uri]: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
      });
    }
  }
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
