// Scheduling per open document: analyse every change at once (no network) and publish; look references up only once
// they are finished — unchanged for a moment while typing, or at once when the file is opened or saved — so a word
// being typed is never sent anywhere; re-analyse when an answer says something new.
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisResult } from '../core/analyze';
import type { ParsedReference } from '../core/imageRef';
import type { ContentChange } from '../core/incremental';
import type { Finding } from '../core/types';
import { DocumentPipeline, referencesToLookUp } from '../pipeline/analysis';
import type { ImageLookup } from '../trust/service';
import { toDiagnostic } from './convert';
import type { SettingsSource } from './settings';

/** Why a document is analysed: an edit (its new references are still being typed), or a moment when they are finished. */
export type Occasion = 'change' | 'open' | 'save' | 'settings' | 'facts';

interface DocState {
  /** The document's pipeline: segments, parses and stage models of the last analysed version, reused for the next. */
  pipeline: DocumentPipeline | null;
  result: AnalysisResult | null;
  version: number;
  /** The lookup the document's settings allow (undefined: lookups off). */
  lookup: ImageLookup | undefined;
  /** Since when each reference of the current text has been there unchanged (canonical → epoch ms; 0 = finished). */
  since: Map<string, number>;
  /** Wakes the scheduler when the next reference has been unchanged long enough. */
  timer: ReturnType<typeof setTimeout> | null;
  /** Aborts the document's lookups when it closes. */
  lookups: AbortController | null;
}

export interface DocumentsOptions {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  readonly settings: SettingsSource;
  readonly lookup: ImageLookup | undefined;
  readonly docsRoot: string;
  /** How long a reference must stay unchanged while typing before it is looked up. */
  readonly lookupDelayMs: number;
  /** Ranged changes recorded since the last analysis of a document ('reset' = re-read the whole text). */
  readonly takeChanges: (uri: string) => ContentChange[] | 'reset' | undefined;
  /** After each analysis (the status follows the images open documents use). */
  readonly onAnalysed?: () => void;
}

export interface DocumentAnalyses {
  validate(doc: TextDocument, occasion: Occasion): Promise<void>;
  revalidateAll(): void;
  /** The file was saved: every reference in it is finished. */
  saved(uri: string): void;
  /** The latest analysis of a document (for code actions and hovers). */
  result(uri: string): AnalysisResult | null;
  /** The external images the open documents use now. */
  references(): ParsedReference[];
  /** References of a document that are not looked up yet because they are still changing (canonical names). */
  pending(uri: string): ReadonlySet<string>;
  close(uri: string): void;
}

export function documentAnalyses(o: DocumentsOptions): DocumentAnalyses {
  const states = new Map<string, DocState>();
  const diagnosticOf = new WeakMap<Finding, Diagnostic>();

  function stateOf(uri: string): DocState {
    let st = states.get(uri);
    if (st === undefined) {
      st = { pipeline: null, result: null, version: -1, lookup: undefined, since: new Map(), timer: null, lookups: null };
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

  async function validate(doc: TextDocument, occasion: Occasion): Promise<void> {
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
    // "off" sends nothing and shows nothing from earlier answers; "cacheOnly" reads answers the services already have.
    const lookup = settings.machine.network === 'off' ? undefined : o.lookup;
    const result = st.pipeline.analyze(settings.analysis, lookup);
    st.result = result;
    st.version = version;
    st.lookup = lookup;
    publish(current.uri, version, result);
    track(st, result, occasion !== 'change' && occasion !== 'facts');
    schedule(current.uri, st);
    o.onAnalysed?.();
  }

  /** Notes when each reference appeared; `finished`: all of them are (the file was opened, saved, re-read for settings). */
  function track(st: DocState, result: AnalysisResult, finished: boolean): void {
    const now = Date.now();
    const present = new Set<string>();
    for (const r of referencesToLookUp(result.model)) {
      present.add(r.canonical);
      if (finished) st.since.set(r.canonical, 0);
      else if (!st.since.has(r.canonical)) st.since.set(r.canonical, now);
    }
    for (const k of [...st.since.keys()]) if (!present.has(k)) st.since.delete(k);
  }

  /** Looks up the finished references that need an answer, and wakes up when the next one will be finished. */
  function schedule(uri: string, st: DocState): void {
    if (st.timer !== null) clearTimeout(st.timer);
    st.timer = null;
    const { lookup, result, pipeline } = st;
    if (lookup === undefined || result === null || pipeline === null) return;
    const now = Date.now();
    // Unknown references, and known ones whose answer is older than the trust TTL (the old answer stays on screen).
    const needed = pipeline.needed(result, lookup);
    const ready: ParsedReference[] = [];
    let wake = Infinity;
    for (const r of needed) {
      const at = (st.since.get(r.canonical) ?? now) + o.lookupDelayMs;
      if (at <= now) ready.push(r);
      else wake = Math.min(wake, at);
    }
    if (wake !== Infinity) {
      st.timer = setTimeout(() => {
        st.timer = null;
        schedule(uri, st);
      }, wake - now);
      st.timer.unref?.();
    }
    if (ready.length === 0) return;
    // Lookups are shared and cached, so a newer version does not cancel them (typing would starve them); only
    // closing the document does. Answers re-analyse the document as it is then, if they say something new.
    const ctl = st.lookups ?? new AbortController();
    st.lookups = ctl;
    void pipeline.lookUp(ready, lookup, ctl.signal).then((changed) => {
      const doc = o.documents.get(uri);
      if (!changed || ctl.signal.aborted || doc === undefined) return;
      void validate(doc, 'facts');
    });
  }

  return {
    validate,
    revalidateAll() {
      for (const doc of o.documents.all()) void validate(doc, 'settings');
    },
    saved(uri) {
      const st = states.get(uri);
      if (st === undefined) return;
      for (const k of st.since.keys()) st.since.set(k, 0);
      schedule(uri, st);
    },
    result: (uri) => states.get(uri)?.result ?? null,
    references() {
      const out = new Map<string, ParsedReference>();
      for (const st of states.values()) if (st.result !== null) for (const r of referencesToLookUp(st.result.model)) out.set(r.canonical, r);
      return [...out.values()];
    },
    pending(uri) {
      const st = states.get(uri);
      const now = Date.now();
      return new Set(st === undefined ? [] : [...st.since].filter(([, t]) => t + o.lookupDelayMs > now).map(([k]) => k));
    },
    close(uri) {
      const st = states.get(uri);
      st?.lookups?.abort();
      if (st?.timer != null) clearTimeout(st.timer);
      states.delete(uri);
    },
  };
}
