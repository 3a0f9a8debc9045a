// The language server: wires the LSP connection to the document scheduler, code actions, hovers and commands.
// Protocol conversion and scheduling live here and beside it; analysis and lookups are the pipeline's.
import { TextDocumentSyncKind, TextDocuments, type Connection, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { ContentChange } from '../core/incremental';
import type { Settings } from '../protocol';
import type { Connectivity, ImageLookup } from '../trust/service';
import { ADD_CHECKSUM, runAddChecksum, type ChecksumFetch } from './checksum';
import { CODE_ACTION_KINDS, codeActions } from './codeActions';
import { noDigestReason } from './pinActions';
import { registerCommands } from './commands';
import { registerInventory } from './inventory';
import { documentAnalyses } from './documents';
import { hoverAt } from './hover';
import { documentSettings } from './settings';
import { statusOf } from './status';
import { PIN_COMMAND, runPinCommand, type PinServices } from './pinFixes';
import { Requests, type NetworkMode, type StatusParams } from '../protocol';

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
  /** Which hosts could not be reached, Retry, and when the network services change (absent = no lookups). */
  readonly connectivity?: Connectivity;
  /** How long a reference must stay unchanged while typing before it is looked up (default 1,500 ms). */
  readonly lookupDelayMs?: number;
}

/** Long enough for a word being typed (a key every 100-300 ms, short pauses) to be finished before anything is sent. */
export const LOOKUP_DELAY_MS = 1500;
/** Images the status counts besides those of open documents (the inventory's, bounded). */
const MAX_SEEN = 5000;

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
  // The machine settings are the process's: the last ones read decide the status's network mode.
  let mode: NetworkMode = 'on';
  const onSettings = (s: Parameters<NonNullable<ServerOptions['onSettings']>>[0]): void => {
    mode = s.machine.network;
    options.onSettings?.(s);
  };
  const settings = documentSettings(connection, () => pullConfiguration, onSettings, options.projectSettings);
  const analyses = documentAnalyses({
    connection,
    documents,
    settings,
    lookup: options.lookup,
    docsRoot: options.docsRoot,
    lookupDelayMs: options.lookupDelayMs ?? LOOKUP_DELAY_MS,
    takeChanges: (uri) => {
      const c = pendingChanges.get(uri);
      pendingChanges.delete(uri);
      return c;
    },
    onAnalysed: () => statusChanged(),
  });

  // Images the inventory and trust-details requests asked about (bounded), besides those of open documents.
  const seen = new Map<string, Parameters<ImageLookup['peek']>[0]>();
  const remember = (r: Parameters<ImageLookup['peek']>[0]): void => {
    if (seen.size < MAX_SEEN || seen.has(r.canonical)) seen.set(r.canonical, r);
  };
  const status = (): StatusParams =>
    statusOf({
      available: options.lookup !== undefined,
      mode,
      unreachable: mode === 'on' ? (options.connectivity?.unreachable() ?? []) : [],
      references: [...new Map([...seen.values(), ...analyses.references()].map((r) => [r.canonical, r])).values()],
      peek: (r) => options.lookup?.peek(r),
      now: new Date(),
    });
  // The status follows analyses and the network; it is sent when it changes, at most a few times a second.
  let lastStatus = '';
  let statusTimer: ReturnType<typeof setTimeout> | null = null;
  function statusChanged(): void {
    if (statusTimer !== null) return;
    statusTimer = setTimeout(() => {
      statusTimer = null;
      const s = status();
      const key = JSON.stringify(s);
      if (key === lastStatus) return;
      lastStatus = key;
      void connection.sendNotification(Requests.status, s);
    }, 200);
  }
  options.connectivity?.onDidChange((what) => {
    // New services (network mode, registries, policy changed): what was shown from the old ones goes at once.
    if (what === 'services') analyses.revalidateAll();
    statusChanged();
  });
  /** The client previews annotated edits before applying them (the pin fixes show what they insert that way). */
  let previewsEdits = false;
  /** The client shows disabled code actions with their reason. */
  let disabledActions = false;
  /** The client is our extension, which has the command that shows a rule's page rendered. */
  let ruleDocs = false;

  connection.onInitialize((params): InitializeResult => {
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    previewsEdits = params.capabilities.workspace?.workspaceEdit?.changeAnnotationSupport !== undefined && params.capabilities.workspace.workspaceEdit.documentChanges === true;
    disabledActions = params.capabilities.textDocument?.codeAction?.disabledSupport === true;
    const init = params.initializationOptions as { ruleDocs?: unknown } | null | undefined;
    ruleDocs = init?.ruleDocs === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
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
    // Read the machine settings now, so the network services and the status follow even with no Dockerfile open.
    void settings.machine().then(() => statusChanged());
  });
  // The client watches `.dockerfile-trust.{yaml,yml}` files (the only files it reports).
  connection.onDidChangeWatchedFiles(() => {
    options.onProjectConfigChanged?.();
    settings.clear();
    analyses.revalidateAll();
  });

  // Opened and saved files are finished: their references are looked up at once. While typing, a reference is looked up
  // once it has stayed unchanged for lookupDelayMs: the prefixes of a word being typed never leave the machine.
  let opening: string | null = null;
  documents.onDidOpen((e) => {
    opening = e.document.uri;
    void analyses.validate(e.document, 'open');
  });
  documents.onDidChangeContent((e) => {
    // The library fires a content change right after open for the same document: that is not an edit.
    if (opening === e.document.uri) {
      opening = null;
      return;
    }
    void analyses.validate(e.document, 'change');
  });
  documents.onDidSave((e) => analyses.saved(e.document.uri));
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
    const network = s.machine.network;
    const lookup = network === 'off' ? undefined : options.lookup;
    const changing = analyses.pending(uri);
    return codeActions(params, {
      doc,
      result: analyses.result(uri),
      settings: s.analysis,
      lookup,
      canChecksum: options.checksum !== undefined,
      pins: options,
      network,
      whyNoDigest: (ref) => noDigestReason(ref, lookup?.peek(ref), network, changing.has(ref.canonical)),
      disabledSupport: disabledActions,
      ruleDocs,
    });
  });

  connection.onHover(async (params) => {
    const uri = params.textDocument.uri;
    const result = analyses.result(uri);
    if (documents.get(uri) === undefined || result === null) return null;
    const network = (await settings.for(uri)).machine.network;
    return hoverAt(result.model, params.position, network === 'off' ? undefined : options.lookup, new Date(), { mode: network, changing: analyses.pending(uri) });
  });

  connection.onExecuteCommand(async (params, token) => {
    if (params.command === PIN_COMMAND) return runPinCommand(connection, documents, params.arguments?.[0], options, token, previewsEdits);
    if (params.command === ADD_CHECKSUM && options.checksum !== undefined) await runAddChecksum(connection, documents, options.checksum, params, token);
  });

  registerCommands(connection, {
    ...(options.lookup !== undefined ? { lookup: options.lookup } : {}),
    settingsFor: (uri) => settings.for(uri),
    revalidateAll: () => analyses.revalidateAll(),
    retry: () => options.connectivity?.retry(),
    remember,
    status: async () => {
      await settings.machine();
      return status();
    },
    statusChanged,
  });

  registerInventory(connection, {
    lookup: options.lookup,
    settingsOf: async (uris) => (await settings.many(uris)).map((x) => x.analysis),
    network: async () => (await settings.machine()).network,
    remember,
  });

  documents.listen(connection);
}
