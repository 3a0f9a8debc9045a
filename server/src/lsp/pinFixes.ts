// "Pin this download" and "Pin this clone" in the editor: a code action whose command fetches the file once (or
// resolves the git ref) through the network layer, shows exactly what it will insert, and applies it on consent.
import {
  CodeActionKind,
  type CancellationToken,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type TextDocuments,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { clonePinEdit, downloadPinEdit, pinTargetOf, refKind, type PinEdit } from '../core/downloads/pins';
import type { PinTarget } from '../core/downloads/types';
import type { Finding, Range } from '../core/types';
import { hostOf } from './checksum';

export const PIN_COMMAND = 'dockerfileTrust.pin';

/** The network answers the fixes need (from the composition root; absent = no network, no fix offered). */
export interface PinServices {
  readonly checksum?: (url: string, signal?: AbortSignal) => Promise<{ readonly ok: true; readonly digest: string } | { readonly ok: false; readonly message: string }>;
  readonly gitRef?: (url: string, ref: string | null, kind: 'branch' | 'tag' | 'any', signal?: AbortSignal) => Promise<{ readonly ok: true; readonly commit: string; readonly ref: string } | { readonly ok: false; readonly message: string }>;
}

interface PinArgs {
  readonly uri: string;
  readonly pin: PinTarget;
  /** The document text the edit depends on, as it was when the action was offered. */
  readonly expect: string;
}

/** What the edit depends on: the line up to the insertion point, or the text it replaces. */
function anchorText(doc: TextDocument, pin: PinTarget): string {
  if (pin.kind === 'file' || pin.kind === 'clone') return doc.getText({ start: { line: pin.insertAt.line, character: 0 }, end: pin.insertAt });
  return doc.getText(pin.replace);
}

export function pinFixActions(doc: TextDocument, d: Diagnostic, f: Finding, services: PinServices): CodeAction[] {
  const pin = pinTargetOf(f);
  if (pin === null) return [];
  const command = (title: string): CodeAction => ({
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [d],
    command: { title, command: PIN_COMMAND, arguments: [{ uri: doc.uri, pin, expect: anchorText(doc, pin) } satisfies PinArgs] },
  });
  if ((pin.kind === 'file' || pin.kind === 'pipe') && services.checksum !== undefined) {
    const idiom = pin.kind === 'file' && pin.shell === 'powershell' ? 'Get-FileHash' : 'sha256sum -c';
    return [command(`Pin this download: fetch it from ${hostOf(pin.url)} once and check its SHA-256 with ${idiom}${pin.kind === 'pipe' ? ' before running it' : ''}`)];
  }
  if ((pin.kind === 'clone' || pin.kind === 'add-git') && services.gitRef !== undefined) {
    return [command(`Pin this clone: resolve ${pin.ref ?? 'the default branch'} on ${hostOf(pin.url)} to its commit`)];
  }
  return [];
}

function isArgs(x: unknown): x is PinArgs {
  const a = x as Partial<PinArgs> | undefined;
  return typeof a?.uri === 'string' && typeof a.expect === 'string' && pinTargetOf({ data: { pin: a.pin } }) !== null;
}

/** Runs the command: fetch or resolve, build the edit, show it, apply it when the user agrees. */
export async function runPinCommand(connection: Connection, documents: TextDocuments<TextDocument>, arg: unknown, services: PinServices, token: CancellationToken, annotations: boolean): Promise<void> {
  if (!isArgs(arg)) return;
  const pin = arg.pin;
  const ctl = new AbortController();
  token.onCancellationRequested(() => ctl.abort());
  const progress = await connection.window.createWorkDoneProgress();
  const fileLike = pin.kind === 'file' || pin.kind === 'pipe';
  progress.begin('Dockerfile Trust', undefined, fileLike ? `Downloading ${hostOf(pin.url)} to compute its SHA-256…` : `Asking ${hostOf(pin.url)} which commit ${pin.ref ?? 'the default branch'} is…`, true);
  progress.token.onCancellationRequested(() => ctl.abort());
  let edit: PinEdit | null = null;
  let failure: string | null = null;
  if (fileLike && services.checksum !== undefined) {
    const r = await services.checksum(pin.url, ctl.signal);
    if (r.ok) edit = downloadPinEdit(pin, r.digest.replace(/^sha256:/, ''));
    else failure = r.message;
  } else if (!fileLike && services.gitRef !== undefined) {
    const r = await services.gitRef(pin.url, pin.ref, refKind(pin), ctl.signal);
    if (r.ok) edit = clonePinEdit(pin, r.commit);
    else failure = r.message;
  }
  progress.done();
  if (edit === null) {
    void connection.window.showErrorMessage(`Could not pin ${pin.url}: ${failure ?? 'no answer'}`);
    return;
  }
  const doc = documents.get(arg.uri);
  // The document may have changed meanwhile: insert only where the text the edit depends on is unchanged.
  if (doc === undefined || anchorText(doc, pin) !== arg.expect) {
    void connection.window.showWarningMessage(`The instruction for ${pin.url} changed meanwhile; nothing was inserted (${edit.summary}).`);
    return;
  }
  const label = fileLike ? 'Pin this download' : 'Pin this clone';
  const at = editStart(edit.edits[0]?.range);
  if (annotations) {
    // The client shows the change for review before applying it (refactor preview).
    const workspaceEdit: WorkspaceEdit = {
      documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: edit.edits.map((e) => ({ ...e, annotationId: 'pin' })) }],
      changeAnnotations: { pin: { label, needsConfirmation: true, description: edit.summary } },
    };
    await connection.workspace.applyEdit({ label, edit: workspaceEdit });
    return;
  }
  const choice = await connection.window.showInformationMessage(`${label} (line ${at + 1}): ${edit.summary}`, { title: 'Insert' }, { title: 'Cancel' });
  if (choice?.title !== 'Insert') return;
  const now = documents.get(arg.uri);
  if (now === undefined || anchorText(now, pin) !== arg.expect) {
    void connection.window.showWarningMessage(`The instruction for ${pin.url} changed meanwhile; nothing was inserted.`);
    return;
  }
  await connection.workspace.applyEdit({ label, edit: { changes: { [now.uri]: edit.edits.map((e) => ({ range: e.range, newText: e.newText })) } } });
}

function editStart(r: Range | undefined): number {
  return r?.start.line ?? 0;
}

