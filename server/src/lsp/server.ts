// The language server: per-document analysis on every change, diagnostics, code actions and hovers over LSP.
import {
  CodeActionKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisResult } from '../core/analyze';
import { NO_FACTS, type Facts } from '../core/facts';
import { IncrementalDocument, type ContentChange } from '../core/incremental';
import type { ParsedReference } from '../core/imageRef';
import type { Finding } from '../core/types';
import { DEFAULT_SETTINGS, normalizeSettings, type Settings } from '../protocol';
import type { ImageLookup } from '../trust/service';
import { findingKey, toDiagnostic, SOURCE } from './convert';
import { registerCommands } from './commands';
import { pinActions } from './pinActions';
import { hoverAt } from './hover';
import { fixEdits } from '../core/fixAll';
import { PIN_COMMAND, pinFixActions, runPinCommand, type PinServices } from './pinFixes';

export interface ServerOptions {
  /** Folder holding the rule docs pages (for diagnostic links). */
  readonly docsRoot: string;
  /** Registry/trust lookups; absent = syntactic analysis only. */
  readonly lookup?: ImageLookup;
  readonly version: string;
  /** sha256 of what an https URL serves, for the ADD --checksum fix (capped, timed, no credentials). */
  readonly checksum?: (url: string, signal?: AbortSignal) => Promise<{ readonly ok: true; readonly digest: string; readonly bytes: number } | { readonly ok: false; readonly message: string }>;
  /** The commit a git ref names, for the "Pin this clone" fix (smart HTTP, https only). */
  readonly gitRef?: PinServices['gitRef'];
  /** Called with each document's settings: lets the composition root rebuild network services when machine settings change. */
  readonly onSettings?: (settings: Settings) => void;
}

interface DocState {
  /** Segments, parses and stage models of the last analysed version, reused for the next one. */
  incremental: IncrementalDocument | null;
  result: AnalysisResult | null;
  version: number;
  /** Aborts the previous round of lookups for this document when a newer version arrives. */
  lookups: AbortController | null;
}

const ADD_CHECKSUM = 'dockerfileTrust.addChecksum';
/** Source action kind for "Pin all images in this file". */
const PIN_ALL = 'source.pinAll.dockerfileTrust';

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the file';
  }
}

export function startServer(connection: Connection, options: ServerOptions): void {
  // Ranged changes are kept per document until the next analysis so it can be incremental; a long
  // backlog is dropped (the analysis then re-reads the whole text), which keeps memory bounded.
  const pendingChanges = new Map<string, ContentChange[] | 'reset'>();
  const documents = new TextDocuments<TextDocument>({
    create: TextDocument.create,
    update: (doc, changes, version) => {
      const queue = pendingChanges.get(doc.uri);
      if (queue === undefined) pendingChanges.set(doc.uri, [...changes]);
      else if (queue !== 'reset') {
        for (const c of changes) queue.push(c);
        if (queue.length > 1000) pendingChanges.set(doc.uri, 'reset');
      }
      return TextDocument.update(doc, changes, version);
    },
  });
  const states = new Map<string, DocState>();
  const settingsByUri = new Map<string, Promise<Settings>>();
  let pullConfiguration = false;
  /** The client previews annotated edits before applying them (the pin fixes show what they insert that way). */
  let previewsEdits = false;

  connection.onInitialize((params): InitializeResult => {
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    previewsEdits = params.capabilities.workspace?.workspaceEdit?.changeAnnotationSupport !== undefined && params.capabilities.workspace.workspaceEdit.documentChanges === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, PIN_ALL], resolveProvider: false },
        hoverProvider: true,
        executeCommandProvider: { commands: [ADD_CHECKSUM, PIN_COMMAND] },
      },
      serverInfo: { name: 'dockerfile-trust', version: options.version },
    };
  });

  function settingsFor(uri: string): Promise<Settings> {
    let s = settingsByUri.get(uri);
    if (s === undefined) {
      s = pullConfiguration
        ? connection.workspace
            .getConfiguration({ scopeUri: uri, section: 'dockerfileTrust' })
            .then(normalizeSettings, () => DEFAULT_SETTINGS)
        : Promise.resolve(DEFAULT_SETTINGS);
      s = s.then((settings) => {
        options.onSettings?.(settings);
        return settings;
      });
      settingsByUri.set(uri, s);
    }
    return s;
  }

  connection.onDidChangeConfiguration(() => {
    settingsByUri.clear();
    for (const doc of documents.all()) void validate(doc);
  });

  function stateOf(uri: string): DocState {
    let st = states.get(uri);
    if (st === undefined) {
      st = { incremental: null, result: null, version: -1, lookups: null };
      states.set(uri, st);
    }
    return st;
  }

  function factsFor(settings: Settings): Facts {
    const lookup = options.lookup;
    if (lookup === undefined || !settings.networkEnabled) return NO_FACTS;
    return { get: (ref) => lookup.peek(ref) };
  }

  async function validate(doc: TextDocument): Promise<void> {
    const settings = await settingsFor(doc.uri);
    // The document may have changed while the settings were fetched: analyse what is current.
    const current = documents.get(doc.uri);
    if (current === undefined) return;
    const st = stateOf(current.uri);
    const version = current.version;
    const text = current.getText();
    const pending = pendingChanges.get(current.uri);
    pendingChanges.delete(current.uri);
    if (st.incremental === null) st.incremental = new IncrementalDocument(text);
    // No recorded changes for a newer version means we cannot trust the held text: re-read it.
    else st.incremental.update(text, pending === 'reset' ? undefined : (pending ?? (st.version === version ? [] : undefined)));
    const result = st.incremental.analyze({ severities: settings.rules, buildArgs: settings.buildArgs, platform: settings.platform, facts: factsFor(settings) });
    st.result = result;
    st.version = version;
    publish(current.uri, version, result);
    scheduleLookups(current.uri, version, result, settings);
  }

  const diagnosticOf = new WeakMap<Finding, Diagnostic>();
  function publish(uri: string, version: number, result: AnalysisResult): void {
    const diagnostics: Diagnostic[] = result.findings.map((f) => {
      // Findings of unchanged stages are the same objects from one keystroke to the next.
      let d = diagnosticOf.get(f);
      if (d === undefined) diagnosticOf.set(f, (d = toDiagnostic(f, options.docsRoot)));
      return d;
    });
    void connection.sendDiagnostics({ uri, version, diagnostics });
  }

  function scheduleLookups(uri: string, version: number, result: AnalysisResult, settings: Settings): void {
    const lookup = options.lookup;
    if (lookup === undefined || !settings.networkEnabled) return;
    const missing = new Map<string, ParsedReference>();
    for (const use of result.model.images) {
      if (use.kind === 'image' && use.ref !== null && use.ref.ok && lookup.peek(use.ref) === undefined) missing.set(use.ref.canonical, use.ref);
    }
    if (missing.size === 0) return;
    // Lookups are shared and cached, so a newer version does not cancel them (typing would starve them);
    // only closing the document does. A stale version's answer just triggers no re-validation.
    const st = stateOf(uri);
    const ctl = st.lookups ?? new AbortController();
    st.lookups = ctl;
    void Promise.all([...missing.values()].map((ref) => lookup.lookup(ref, ctl.signal))).then(() => {
      const doc = documents.get(uri);
      // Answers for an older version are dropped: the newer version has its own round.
      if (ctl.signal.aborted || doc === undefined || doc.version !== version) return;
      // Re-validate only when something became known, so a lookup that caches nothing cannot loop.
      if ([...missing.values()].some((ref) => lookup.peek(ref) !== undefined)) void validate(doc);
    });
  }

  documents.onDidOpen((e) => void validate(e.document));
  documents.onDidChangeContent((e) => void validate(e.document));
  documents.onDidClose((e) => {
    const st = states.get(e.document.uri);
    st?.lookups?.abort();
    states.delete(e.document.uri);
    pendingChanges.delete(e.document.uri);
    settingsByUri.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCodeAction(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (doc === undefined) return [];
    const docSettings = await settingsFor(doc.uri);
    const platform = docSettings.pinPlatformDigest ? docSettings.platform : undefined;
    const actions: CodeAction[] = [];
    const st = states.get(doc.uri);
    const findings = st?.result?.findings ?? [];
    // The diagnostics VS Code sends back are matched to the latest analysis by code and range; one that no
    // longer matches (the text moved on) gets no action until its new diagnostics arrive.
    const byKey = new Map<string, Finding>();
    for (const f of findings) byKey.set(findingKey(f.code, f.range), f);
    for (const d of params.context.diagnostics) {
      const f = d.source === SOURCE ? byKey.get(findingKey(d.code, d.range)) : undefined;
      if (f === undefined) continue;
      if (options.lookup !== undefined) actions.push(...pinActions(doc.uri, d, f.data, options.lookup, platform));
      const cd = f.data as { kind?: unknown; url?: unknown; insertAt?: unknown } | undefined;
      if (options.checksum !== undefined && cd?.kind === 'add-checksum' && typeof cd.url === 'string' && /^https:\/\//i.test(cd.url)) {
        actions.push({
          title: `Add --checksum (downloads ${hostOf(cd.url)} once to compute its sha256)`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          command: { title: 'Add --checksum', command: ADD_CHECKSUM, arguments: [{ uri: doc.uri, url: cd.url, insertAt: cd.insertAt }] },
        });
      }
      actions.push(...pinFixActions(doc, d, f, options));
      for (const fix of f.fixes ?? []) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: fix.safe,
          edit: { changes: { [doc.uri]: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
        });
      }
    }
    // Source actions: only when asked for (fix-all on save, the source action menu), never mixed into quick fixes.
    const only = params.context.only ?? [];
    const wants = (kind: string): boolean => only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const peek = options.lookup !== undefined ? (r: ParsedReference) => options.lookup!.peek(r) : undefined;
    if (wants(CodeActionKind.SourceFixAll)) {
      const edits = fixEdits(findings, peek);
      if (edits.length > 0) actions.push({ title: 'Fix all Dockerfile Trust findings (exact fixes and pins)', kind: CodeActionKind.SourceFixAll, edit: { changes: { [doc.uri]: edits } } });
    }
    if (wants(PIN_ALL)) {
      const edits = fixEdits(findings, peek, new Map(), { exact: false });
      if (edits.length > 0) actions.push({ title: `Pin all images in this file (${edits.length})`, kind: PIN_ALL, edit: { changes: { [doc.uri]: edits } } });
    }
    return actions;
  });

  connection.onHover(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    const st = states.get(params.textDocument.uri);
    if (doc === undefined || st?.result === null || st === undefined) return null;
    return hoverAt(st.result!.model, params.position, options.lookup, new Date());
  });

  connection.onExecuteCommand(async (params, token) => {
    if (params.command === PIN_COMMAND) return runPinCommand(connection, documents, params.arguments?.[0], options, token, previewsEdits);
    if (params.command !== ADD_CHECKSUM || options.checksum === undefined) return;
    const arg = (params.arguments?.[0] ?? {}) as { uri?: unknown; url?: unknown; insertAt?: { start?: { line?: unknown; character?: unknown } } };
    const uri = typeof arg.uri === 'string' ? arg.uri : '';
    const url = typeof arg.url === 'string' ? arg.url : '';
    const line = arg.insertAt?.start?.line;
    const character = arg.insertAt?.start?.character;
    if (uri === '' || url === '' || typeof line !== 'number' || typeof character !== 'number') return;
    const ctl = new AbortController();
    token.onCancellationRequested(() => ctl.abort());
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin('Dockerfile Trust', undefined, `Downloading ${hostOf(url)} to compute its checksum…`, true);
    progress.token.onCancellationRequested(() => ctl.abort());
    const result = await options.checksum(url, ctl.signal);
    progress.done();
    if (!result.ok) {
      void connection.window.showErrorMessage(`Could not add --checksum for ${url}: ${result.message}`);
      return;
    }
    const doc = documents.get(uri);
    // The document may have changed during the download: insert only where an ADD keyword still ends at that spot.
    const lineText = doc?.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }) ?? '';
    if (doc === undefined || !/^\s*(ONBUILD\s+)?ADD$/i.test(lineText.slice(0, character)) || !doc.getText().includes(url)) {
      void connection.window.showWarningMessage(`The ADD instruction for ${url} changed during the download; the checksum ${result.digest} was not inserted.`);
      return;
    }
    await connection.workspace.applyEdit({ label: 'Add --checksum', edit: { changes: { [uri]: [{ range: { start: { line, character }, end: { line, character } }, newText: ` --checksum=${result.digest}` }] } } });
  });

  registerCommands(connection, {
    ...(options.lookup !== undefined ? { lookup: options.lookup } : {}),
    settingsFor,
    revalidateAll: () => {
      for (const doc of documents.all()) void validate(doc);
    },
  });

  documents.listen(connection);
}
