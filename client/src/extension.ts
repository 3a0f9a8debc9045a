// The VS Code extension: starts the bundled language server for Dockerfiles and shows its output.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

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
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, args: ['--storage', context.globalStorageUri.fsPath] },
    debug: { module: serverModule, transport: TransportKind.ipc, args: ['--storage', context.globalStorageUri.fsPath], options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    synchronize: { configurationSection: 'dockerfileTrust' },
  };
  client = new LanguageClient('dockerfileTrust', 'Dockerfile Trust', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('dockerfileTrust.showOutput', () => output.show(true)),
  );
  try {
    await client.start();
    output.info('Dockerfile Trust language server started');
  } catch (err) {
    output.error(`Dockerfile Trust could not start its language server: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function deactivate(): Promise<void> {
  if (client !== undefined) await client.stop();
}
