// Composition root of the language server: creates the connection and the I/O-backed services.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import * as path from 'node:path';
import { startServer } from './lsp/server';

declare const __VERSION__: string | undefined;

const connection = createConnection(ProposedFeatures.all);
startServer(connection, {
  docsRoot: path.join(__dirname, '..', 'docs', 'rules'),
  version: typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0',
});
connection.listen();
