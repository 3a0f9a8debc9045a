// Scheduling per open document: analyse every change at once (no network), publish, and run the lookups the
// analysis still needs in the background; re-analyse only when an answer says something new.
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisResult } from '../core/analyze';
import type { ContentChange } from '../core/incremental';
import type { Finding } from '../core/types';
import { DocumentPipeline } from '../pipeline/analysis';
import type { ImageLookup } from '../trust/service';
import { toDiagnostic } from './convert';
import type { SettingsSource } from './settings';

interface DocState {
  /** The document's pipeline: segments, parses and stage models of the last analysed version, reused for the next. */
  pipeline: DocumentPipeline | null;
  result: AnalysisResult | null;
  version: number;
  /** Aborts the document's lookups when it closes. */
  lookups: AbortController | null;
}

export interface DocumentsOptions {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  readonly settings: SettingsSource;
  readonly lookup: ImageLookup | undefined;
  readonly docsRoot: string;
  /** Ranged changes recorded since the last analysis of a document ('reset' = re-read the whole text). */
  readonly takeChanges: (uri: string) => ContentChange[] | 'reset' | undefined;
}

export interface DocumentAnalyses {
  validate(doc: TextDocument): Promise<void>;
  revalidateAll(): void;
  /** The latest analysis of a document (for code actions and hovers). */
  result(uri: string): AnalysisResult | null;
  close(uri: string): void;
}

export function documentAnalyses(o: DocumentsOptions): DocumentAnalyses {
  const states = new Map<string, DocState>();
  const diagnosticOf = new WeakMap<Finding, Diagnostic>();

  function stateOf(uri: string): DocState {
    let st = states.get(uri);
    if (st === undefined) {
      st = { pipeline: null, result: null, version: -1, lookups: null };
      states.set(uri, st);
    }
    return st;
  }

  function publish(uri: string, version: number, result: AnalysisResult): void {
    const diagnostics: Diagnostic[] = result.findings.map((f) => {
      // Findings of unchanged stages are the same objects from one keystroke to the next.
      let d = diagnosticOf.get(f);
      if (d === undefined) diagnosticOf.set(f, (d = toDiagnostic(f, o.docsRoot)));
      return d;
    });
    void o.connection.sendDiagnostics({ uri, version, diagnostics });
  }

  async function validate(doc: TextDocument): Promise<void> {
    const settings = await o.settings.for(doc.uri);
    // The document may have changed while the settings were fetched: analyse what is current.
    const current = o.documents.get(doc.uri);
    if (current === undefined) return;
    const st = stateOf(current.uri);
    const version = current.version;
    const text = current.getText();
    const pending = o.takeChanges(current.uri);
    if (st.pipeline === null) st.pipeline = new DocumentPipeline(text);
    // No recorded changes for a newer version means we cannot trust the held text: re-read it.
    else st.pipeline.update(text, pending === 'reset' ? undefined : (pending ?? (st.version === version ? [] : undefined)));
    const lookup = settings.machine.networkEnabled ? o.lookup : undefined;
    const result = st.pipeline.analyze(settings.analysis, lookup);
    st.result = result;
    st.version = version;
    publish(current.uri, version, result);
    if (lookup !== undefined) scheduleLookups(current.uri, version, st.pipeline, result, lookup);
  }

  function scheduleLookups(uri: string, version: number, pipeline: DocumentPipeline, result: AnalysisResult, lookup: ImageLookup): void {
    // Unknown references, and known ones whose answer is older than the trust TTL (the old answer stays on screen).
    const refs = pipeline.needed(result, lookup);
    if (refs.length === 0) return;
    // Lookups are shared and cached, so a newer version does not cancel them (typing would starve them);
    // only closing the document does. A stale version's answer just triggers no re-validation.
    const st = stateOf(uri);
    const ctl = st.lookups ?? new AbortController();
    st.lookups = ctl;
    void pipeline.lookUp(refs, lookup, ctl.signal).then((changed) => {
      const doc = o.documents.get(uri);
      if (!changed || ctl.signal.aborted || doc === undefined || doc.version !== version) return;
      void validate(doc);
    });
  }

  return {
    validate,
    revalidateAll() {
      for (const doc of o.documents.all()) void validate(doc);
    },
    result: (uri) => states.get(uri)?.result ?? null,
    close(uri) {
      states.get(uri)?.lookups?.abort();
      states.delete(uri);
    },
  };
}
