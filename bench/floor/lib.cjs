// Library floor for the benchmark: vscode-languageserver with incremental text sync, as our server uses
// it, and no analysis: every change is answered with an empty publishDiagnostics for that version.
'use strict';
const { createConnection, TextDocuments, TextDocumentSyncKind } = require('vscode-languageserver/node');
const { TextDocument } = require('vscode-languageserver-textdocument');

const connection = createConnection();
const documents = new TextDocuments(TextDocument);
connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } }));
// onDidChangeContent also fires on open.
documents.onDidChangeContent((e) => void connection.sendDiagnostics({ uri: e.document.uri, version: e.document.version, diagnostics: [] }));
documents.listen(connection);
connection.listen();
