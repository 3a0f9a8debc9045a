// The VS Code extension: starts the bundled language server and adds commands, status, inventory view and code lenses.
import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { Requests, type StatusParams } from '../../server/src/protocol';
import { ImageCodeLenses } from './codeLens';
import { InventoryProvider, maxFilesSetting, referenceOf } from './inventory';
import { DOCKERFILE_GLOB, EXCLUDE_GLOB, describe, readText, requestImageUses, requestPinEdits, toRange, type Ctx } from './requests';
import { RuleDocs, SHOW_RULE_DOC } from './ruleDocs';
import { serverLaunch, type ServerLaunch } from './serverLaunch';
import { GO_ONLINE, LookupStatus, setNetworkMode, SHOW_OUTPUT, WORK_OFFLINE } from './status';
import { TRUST_SCHEME, TrustDetailsProvider, trustDetailsUri } from './trustDetails';

let client: LanguageClient | undefined;

/** Documents the server analyses: the dockerfile language and the usual file names, whatever language they got. */
export const DOCUMENT_SELECTOR = [
  { language: 'dockerfile' },
  { scheme: 'file', pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,Dockerfile.*,Containerfile.*}' },
  { scheme: 'untitled', language: 'dockerfile' },
];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Dockerfile Trust', { log: true });
  context.subscriptions.push(output);
  // Restricted Mode (an untrusted workspace): the server runs syntactic checks only (--restricted). The proxy
  // settings (VS Code's http.*) reach the server in its environment. Both are re-read on every (re)start.
  const launch = (): ServerLaunch => {
    const http = vscode.workspace.getConfiguration('http');
    const editorHttp = { proxy: http.get('proxy'), proxyStrictSSL: http.get('proxyStrictSSL'), noProxy: http.get('noProxy'), proxyAuthorization: http.get('proxyAuthorization'), proxySupport: http.get('proxySupport') };
    return serverLaunch({ extensionPath: context.extensionPath, storage: context.globalStorageUri.fsPath, trusted: vscode.workspace.isTrusted, http: editorHttp, env: process.env });
  };
  const first = launch();
  const transport = first.transport === 'ipc' ? TransportKind.ipc : TransportKind.stdio;
  const run = { module: first.module, transport, args: first.args, options: { env: first.env, execArgv: first.execArgv } };
  const debug = { module: first.module, transport, args: first.args, options: { env: first.env, execArgv: first.debugExecArgv } };
  const serverOptions: ServerOptions = { run, debug };
  const ruleDocs = new RuleDocs(context, output);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    // This client can show rule pages rendered: the server then offers "Show documentation" on every diagnostic.
    initializationOptions: { ruleDocs: true },
    middleware: {
      // The rule code of a diagnostic links to the rendered page, not to the raw Markdown file.
      handleDiagnostics: (uri, diagnostics, next) => {
        for (const d of diagnostics) ruleDocs.relink(d);
        next(uri, diagnostics);
      },
    },
    // Background failures are logged, never shown as dialogs: the output channel keeps the cause.
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // The project config (.dockerfile-trust.yaml): the server re-reads it when one is created, changed or deleted.
    synchronize: { configurationSection: 'dockerfileTrust', fileEvents: vscode.workspace.createFileSystemWatcher('**/.dockerfile-trust.{yaml,yml}') },
  };
  const lc = new LanguageClient('dockerfileTrust', 'Dockerfile Trust', serverOptions, clientOptions);
  client = lc;
  async function restartServer(why: string): Promise<void> {
    const next = launch();
    run.args = next.args;
    run.options.env = next.env;
    debug.args = next.args;
    debug.options.env = next.env;
    output.info(`restarting the language server: ${why}`);
    try {
      // Notification handlers registered on the client stay registered across restarts.
      await lc.restart();
      void pollStatus();
      void inventory.reload(true);
    } catch (err) {
      output.error(`the language server did not restart: ${describe(err)}`);
    }
  }
  const ctx: Ctx = { client: lc, output };

  // Language status: one state for lookups (reachable / offline with Retry / cache only / off) and the network mode.
  const status = new LookupStatus(DOCUMENT_SELECTOR);
  context.subscriptions.push(status);
  const showStatus = (s: StatusParams): void => status.show(s);
  const pollStatus = async (): Promise<void> => {
    try {
      showStatus(await lc.sendRequest<StatusParams>(Requests.getStatus));
    } catch (err) {
      output.warn(`status request failed: ${describe(err)}`);
    }
  };

  const inventory = new InventoryProvider(ctx);
  const tree = vscode.window.createTreeView('dockerfileTrust.inventory', { treeDataProvider: inventory, showCollapseAll: true });
  // True counts of what is listed; a limit, if one is set, is said at the top of the tree.
  inventory.onTotals = (text) => void (tree.description = text);
  const lenses = new ImageCodeLenses(ctx);
  const trustDocs = new TrustDetailsProvider(ctx);
  context.subscriptions.push(
    tree,
    lenses,
    vscode.languages.registerCodeLensProvider(DOCUMENT_SELECTOR, lenses),
    vscode.workspace.registerTextDocumentContentProvider(TRUST_SCHEME, trustDocs),
    vscode.commands.registerCommand(SHOW_OUTPUT, () => output.show(true)),
    vscode.commands.registerCommand(WORK_OFFLINE, () => setNetworkMode('cacheOnly', output)),
    vscode.commands.registerCommand(GO_ONLINE, () => setNetworkMode('on', output)),
    vscode.commands.registerCommand(SHOW_RULE_DOC, (ruleId: unknown) => ruleDocs.show(ruleId)),
    // VS Code's Quick Fix menu (Ctrl+.) leaves out actions that cannot run now; asked for by kind, it lists them
    // behind "Show Disabled", each with its reason (offline, not in the cache, still being typed).
    vscode.commands.registerCommand('dockerfileTrust.showAllFixes', () => vscode.commands.executeCommand('editor.action.codeAction', { kind: 'quickfix' })),
    vscode.window.registerUriHandler(ruleDocs),
    vscode.commands.registerCommand('dockerfileTrust.pinFile', (uri?: vscode.Uri) => pinFile(ctx, uri)),
    vscode.commands.registerCommand('dockerfileTrust.pinWorkspace', () => pinWorkspace(ctx)),
    vscode.commands.registerCommand('dockerfileTrust.refresh', async () => {
      await withDelayedProgress('Dockerfile Trust: refreshing trust data', async () => {
        try {
          await lc.sendRequest(Requests.refresh);
        } catch (err) {
          output.error(`refresh failed: ${describe(err)}`);
          void vscode.window.showWarningMessage('Dockerfile Trust could not refresh its trust data; see the output for the cause.');
          return;
        }
        trustDocs.refreshAll();
        await inventory.reload(true);
      });
      await pollStatus();
    }),
    vscode.commands.registerCommand('dockerfileTrust.showTrustDetails', (arg?: unknown) => showTrustDetails(ctx, typeof arg === 'string' ? arg : referenceOf(arg))),
    vscode.commands.registerCommand('dockerfileTrust.inventory.refresh', () => withDelayedProgress('Dockerfile Trust: scanning Dockerfiles', () => inventory.reload(true))),
    vscode.commands.registerCommand('dockerfileTrust.inventory.open', async (uri: vscode.Uri, range: vscode.Range) => {
      const editor = await vscode.window.showTextDocument(uri, { selection: range, preserveFocus: false });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }),
    // Trust granted, or the proxy settings changed: a new server with the new arguments and environment.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restartServer('workspace trusted: registry and trust lookups are on')),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('http.proxy') || e.affectsConfiguration('http.proxyStrictSSL') || e.affectsConfiguration('http.noProxy') || e.affectsConfiguration('http.proxyAuthorization') || e.affectsConfiguration('http.proxySupport')) {
        void restartServer('proxy settings changed');
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('dockerfileTrust')) return;
      lenses.changed();
      // Build args or the platform may have changed what the files mean; the server's cache spares unchanged ones.
      void inventory.reload(false, true);
      void pollStatus();
    }),
  );
  const watcher = vscode.workspace.createFileSystemWatcher(DOCKERFILE_GLOB);
  context.subscriptions.push(
    watcher,
    watcher.onDidChange((u) => inventory.scheduleUpdate([u])),
    watcher.onDidCreate((u) => inventory.scheduleUpdate([u])),
    watcher.onDidDelete((u) => inventory.forget(u)),
    // New diagnostics for a Dockerfile mean new text or new facts (the server re-publishes after lookups).
    vscode.languages.onDidChangeDiagnostics((e) => {
      const ours = e.uris.filter((u) => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === u.toString());
        return doc !== undefined && vscode.languages.match(DOCUMENT_SELECTOR, doc) > 0;
      });
      if (ours.length === 0) return;
      lenses.changed();
      inventory.scheduleUpdate(ours.filter((u) => u.scheme === 'file'));
      void pollStatus();
    }),
  );

  try {
    await lc.start();
    lc.onNotification(Requests.status, showStatus);
    output.info('Dockerfile Trust language server started');
    await vscode.commands.executeCommand('setContext', 'dockerfileTrust.active', true);
    void pollStatus();
    void inventory.reload(true);
  } catch (err) {
    status.failed('Dockerfile Trust stopped');
    output.error(`Dockerfile Trust could not start its language server: ${describe(err)}`);
  }
}

export async function deactivate(): Promise<void> {
  if (client !== undefined) await client.stop();
}

/** Runs person-started work; a progress notification appears only when it takes longer than half a second. */
export async function withDelayedProgress<T>(title: string, work: () => Promise<T>): Promise<T> {
  const running = work();
  const timer = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, () => running.then(() => undefined, () => undefined));
  }, 500);
  try {
    return await running;
  } finally {
    clearTimeout(timer);
  }
}

async function pinFile(ctx: Ctx, uri?: vscode.Uri): Promise<void> {
  const doc = uri !== undefined ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (doc === undefined) {
    void vscode.window.showInformationMessage('Open a Dockerfile to pin its base images.');
    return;
  }
  const result = await withDelayedProgress('Dockerfile Trust: looking up digests', () => requestPinEdits(ctx, doc.uri, doc.getText()));
  if (result === null) return;
  for (const s of result.skipped) ctx.output.warn(`${doc.uri.fsPath}:${s.line + 1}: not pinned ${s.text}: ${s.reason}`);
  if (result.edits.length === 0) {
    if (result.skipped.length === 0) {
      void vscode.window.showInformationMessage('Every image in this file is pinned already.');
      return;
    }
    void tellSkipped(`No image was pinned: ${skippedSummary(result.skipped)}`, result.skipped.length);
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of result.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
  // The text may have changed while digests were looked up; VS Code refuses edits against a stale version.
  const ok = await vscode.workspace.applyEdit(edit);
  if (!ok) void vscode.window.showWarningMessage('The file changed while digests were looked up; run the command again.');
  else if (result.skipped.length > 0) void tellSkipped(`Pinned ${plural(result.edits.length, 'image')}; not pinned: ${skippedSummary(result.skipped)}`, result.skipped.length);
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** "ubuntu:24.04 (offline: registry-1.docker.io is not reachable)", or how many were left out for which reasons. */
function skippedSummary(skipped: readonly { text: string; reason: string }[]): string {
  if (skipped.length === 1) return `${skipped[0]!.text} (${skipped[0]!.reason}).`;
  const reasons = [...new Set(skipped.map((s) => s.reason))];
  return reasons.length === 1 ? `${plural(skipped.length, 'image')} (${reasons[0]}).` : `${plural(skipped.length, 'image')}, for ${reasons.length} different reasons.`;
}

/** The message, with the button that shows the output channel's one line per image left alone. */
async function tellSkipped(message: string, n: number): Promise<void> {
  const show = n === 1 ? 'Show output' : `Show the ${n} reasons`;
  if ((await vscode.window.showInformationMessage(message, show)) === show) await vscode.commands.executeCommand(SHOW_OUTPUT);
}

async function pinWorkspace(ctx: Ctx): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  let skipped = 0;
  let count = 0;
  await withDelayedProgress('Dockerfile Trust: looking up digests for the workspace', async () => {
    const max = maxFilesSetting();
    const files = (await vscode.workspace.findFiles(DOCKERFILE_GLOB, EXCLUDE_GLOB)).sort((a, b) => a.toString().localeCompare(b.toString())).slice(0, max > 0 ? max : undefined);
    for (const uri of files) {
      const text = await readText(ctx, uri);
      if (text === null) continue;
      const r = await requestPinEdits(ctx, uri, text);
      if (r === null) continue;
      for (const s of r.skipped) ctx.output.warn(`${uri.fsPath}:${s.line + 1}: not pinned ${s.text}: ${s.reason}`);
      skipped += r.skipped.length;
      for (const e of r.edits) {
        // needsConfirmation sends the edit through the refactor preview, so a person sees every change first.
        edit.replace(uri, toRange(e.range), e.newText, { label: e.label, description: vscode.workspace.asRelativePath(uri), needsConfirmation: true });
        count++;
      }
    }
  });
  if (count === 0) {
    if (skipped > 0) void tellSkipped(`No image to pin in the workspace: ${plural(skipped, 'image')} could not be pinned.`, skipped);
    else void vscode.window.showInformationMessage('Every image in the workspace is pinned already.');
    return;
  }
  await vscode.workspace.applyEdit(edit, { isRefactoring: true });
}

async function showTrustDetails(ctx: Ctx, reference?: string): Promise<void> {
  let ref = typeof reference === 'string' ? reference : undefined;
  if (ref === undefined) {
    const editor = vscode.window.activeTextEditor;
    if (editor !== undefined) {
      const uses = await requestImageUses(ctx, editor.document.uri, editor.document.getText(), false);
      const pos = editor.selection.active;
      const external = (uses ?? []).filter((u) => u.canonical !== null);
      const here = external.find((u) => toRange(u.range).contains(pos)) ?? external.find((u) => u.range.start.line === pos.line);
      ref = here?.canonical ?? undefined;
      if (ref === undefined && external.length > 0) {
        const pick = await vscode.window.showQuickPick(
          external.map((u) => ({ label: u.text, description: `line ${u.range.start.line + 1}`, ref: u.canonical ?? '' })),
          { placeHolder: 'Which image?' },
        );
        ref = pick?.ref;
      }
    }
  }
  if (ref === undefined) {
    void vscode.window.showInformationMessage('Put the cursor on an image reference in a Dockerfile to see its trust details.');
    return;
  }
  const uri = trustDetailsUri(ref);
  const doc = await withDelayedProgress('Dockerfile Trust: verifying trust data', async () => vscode.workspace.openTextDocument(uri));
  // Reuse the column of a trust document already on screen, so looking at several images does not pile up columns.
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === TRUST_SCHEME);
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: shown?.viewColumn ?? vscode.ViewColumn.Beside });
}
