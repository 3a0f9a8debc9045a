// The language server: wires the LSP connection to the document scheduler, code actions, hovers and commands.
// Protocol conversion and scheduling live here and beside it; analysis and lookups are the pipeline's.
import { TextDocumentSyncKind, TextDocuments, type Connection, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ContentChange } from '../core/incremental';
import type { Settings } from '../protocol';
import type { ImageLookup } from '../trust/service';
import { ADD_CHECKSUM, runAddChecksum, type ChecksumFetch } from './checksum';
import { CODE_ACTION_KINDS, codeActions } from './codeActions';
import { registerCommands } from './commands';
import { documentAnalyses } from './documents';
import { hoverAt } from './hover';
import { documentSettings } from './settings';
import { PIN_COMMAND, runPinCommand, type PinServices } from './pinFixes';

export interface ServerOptions {
  /** Folder holding the rule docs pages (for diagnostic links). */
  readonly docsRoot: string;
  /** Registry/trust lookups; absent = syntactic analysis only. */
  readonly lookup?: ImageLookup;
  readonly version: string;
  /** sha256 of what an https URL serves, for the ADD --checksum fix (capped, timed, no credentials). */
  readonly checksum?: ChecksumFetch;
  /** The commit a git ref names, for the "Pin this clone" fix (smart HTTP, https only). */
  readonly gitRef?: PinServices['gitRef'];
  /** Called with each document's settings: lets the composition root rebuild network services when machine settings change. */
  readonly onSettings?: (settings: Settings) => void;
  /** Applies the project config (`.dockerfile-trust.yaml`) of a document to its settings. */
  readonly projectSettings?: (uri: string, settings: Settings) => Settings;
  /** A watched project config changed on disk: forget what was read (the documents are then analysed again). */
  readonly onProjectConfigChanged?: () => void;
}

/** A change backlog longer than this is dropped: the next analysis re-reads the whole text (bounded memory). */
const MAX_PENDING_CHANGES = 1000;

export function startServer(connection: Connection, options: ServerOptions): void {
  // Ranged changes are kept per document until the next analysis so it can be incremental.
  const pendingChanges = new Map<string, ContentChange[] | 'reset'>();
  const documents = new TextDocuments<TextDocument>({
    create: TextDocument.create,
    update: (doc, changes, version) => {
      const queue = pendingChanges.get(doc.uri);
      if (queue === undefined) pendingChanges.set(doc.uri, [...changes]);
      else if (queue !== 'reset') {
        for (const c of changes) queue.push(c);
        if (queue.length > MAX_PENDING_CHANGES) pendingChanges.set(doc.uri, 'reset');
      }
      return TextDocument.update(doc, changes, version);
    },
  });
  let pullConfiguration = false;
  const settings = documentSettings(connection, () => pullConfiguration, options.onSettings, options.projectSettings);
  const analyses = documentAnalyses({
    connection,
    documents,
    settings,
    lookup: options.lookup,
    docsRoot: options.docsRoot,
    takeChanges: (uri) => {
      const c = pendingChanges.get(uri);
      pendingChanges.delete(uri);
      return c;
    },
  });
  /** The client previews annotated edits before applying them (the pin fixes show what they insert that way). */
  let previewsEdits = false;

  connection.onInitialize((params): InitializeResult => {
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    previewsEdits = params.capabilities.workspace?.workspaceEdit?.changeAnnotationSupport !== undefined && params.capabilities.workspace.workspaceEdit.documentChanges === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: false },
        hoverProvider: true,
        executeCommandProvider: { commands: [ADD_CHECKSUM, PIN_COMMAND] },
      },
      serverInfo: { name: 'dockerfile-trust', version: options.version },
    };
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    analyses.revalidateAll();
  });
  // The client watches `.dockerfile-trust.{yaml,yml}` files (the only files it reports).
  connection.onDidChangeWatchedFiles(() => {
    options.onProjectConfigChanged?.();
    settings.clear();
    analyses.revalidateAll();
  });

  documents.onDidOpen((e) => void analyses.validate(e.document));
  documents.onDidChangeContent((e) => void analyses.validate(e.document));
  documents.onDidClose((e) => {
    analyses.close(e.document.uri);
    pendingChanges.delete(e.document.uri);
    settings.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeAction(async (params) => {
    const uri = params.textDocument.uri;
    const doc = documents.get(uri);
    if (doc === undefined) return [];
    const s = await settings.for(uri);
    return codeActions(params, { doc, result: analyses.result(uri), settings: s.analysis, lookup: options.lookup, canChecksum: options.checksum !== undefined, pins: options });
  });

  connection.onHover((params) => {
    const result = analyses.result(params.textDocument.uri);
    if (documents.get(params.textDocument.uri) === undefined || result === null) return null;
    return hoverAt(result.model, params.position, options.lookup, new Date());
  });

  connection.onExecuteCommand(async (params, token) => {
    if (params.command === PIN_COMMAND) return runPinCommand(connection, documents, params.arguments?.[0], options, token, previewsEdits);
    if (params.command === ADD_CHECKSUM && options.checksum !== undefined) await runAddChecksum(connection, documents, options.checksum, params, token);
  });

  registerCommands(connection, {
    ...(options.lookup !== undefined ? { lookup: options.lookup } : {}),
    settingsFor: (uri) => settings.for(uri),
    revalidateAll: () => analyses.revalidateAll(),
  });

  documents.listen(connection);
}
