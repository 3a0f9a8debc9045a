// Pin quick fixes: computed at click time from the diagnostic's data and the facts known now (no state kept in between).
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver/node';
import { parseReference } from '../core/imageRef';
import { pinEdit } from '../core/pin';
import { pinChoices } from '../core/pinChoice';
import type { FixData } from '../core/types';
import type { ImageLookup } from '../trust/service';

interface PinLike {
  readonly kind: string;
  readonly canonical?: unknown;
  readonly text?: unknown;
  readonly hasVariables?: unknown;
}

export function pinActions(uri: string, diagnostic: Diagnostic, findingData: FixData | undefined, lookup: ImageLookup, platform?: string): CodeAction[] {
  const data = findingData as PinLike | undefined;
  if (data === undefined || typeof data.canonical !== 'string' || typeof data.text !== 'string') return [];
  if (data.kind !== 'pin' && data.kind !== 'repin') return [];
  const ref = parseReference(data.canonical);
  if (!ref.ok) return [];
  const actions: CodeAction[] = [];
  for (const choice of pinChoices(ref, lookup.peek(ref), platform !== undefined ? { platform } : {})) {
    const edit = pinEdit({ text: data.text, range: diagnostic.range, hasVariables: data.hasVariables === true, kind: 'image' }, choice.digest);
    if (!edit.ok) continue;
    actions.push({
      title: choice.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: choice.preferred,
      edit: { changes: { [uri]: [edit.edit] } },
    });
  }
  return actions;
}
