// Client-side helpers for the server's custom requests, plus the file-finding and reading they need.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Requests, type DocumentTextParams, type ImageUseInfo, type ImageUsesResult, type PinEditsResult } from '../../server/src/protocol';

export interface Ctx {
  readonly client: LanguageClient;
  readonly output: vscode.LogOutputChannel;
}

/** Same names as the selector, for finding Dockerfiles on disk. */
export const DOCKERFILE_GLOB = '**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*,Containerfile.*,*.dockerfile,*.containerfile}';
export const EXCLUDE_GLOB = '**/{node_modules,.git}/**';


export function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause !== undefined ? `${err.message} (cause: ${describe(cause)})` : err.message;
  }
  return String(err);
}


export function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Reads a file through VS Code (works for remote and virtual workspaces); null when unreadable or not UTF-8 text. */
export async function readText(ctx: Ctx, uri: vscode.Uri): Promise<string | null> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open !== undefined) return open.getText();
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > 1_000_000) {
      ctx.output.warn(`${uri.fsPath}: skipped, ${bytes.byteLength} bytes is too large for a Dockerfile`);
      return null;
    }
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  } catch (err) {
    ctx.output.warn(`${uri.fsPath}: could not be read: ${describe(err)}`);
    return null;
  }
}

export async function requestImageUses(ctx: Ctx, uri: vscode.Uri, text: string, lookup: boolean): Promise<readonly ImageUseInfo[] | null> {
  const params: DocumentTextParams = { uri: uri.toString(), text, lookup };
  try {
    const r = await ctx.client.sendRequest<ImageUsesResult>(Requests.imageUses, params);
    return r.uses;
  } catch (err) {
    ctx.output.error(`image list for ${uri.toString(true)} failed: ${describe(err)}`);
    return null;
  }
}

export async function requestPinEdits(ctx: Ctx, uri: vscode.Uri, text: string): Promise<PinEditsResult | null> {
  const params: DocumentTextParams = { uri: uri.toString(), text, lookup: true };
  try {
    return await ctx.client.sendRequest<PinEditsResult>(Requests.pinEdits, params);
  } catch (err) {
    ctx.output.error(`pinning ${uri.toString(true)} failed: ${describe(err)}`);
    void vscode.window.showWarningMessage('Dockerfile Trust could not compute the pins; see the output for the cause.');
    return null;
  }
}
