// Plain results of the download analysis: what was fetched, where it went, and what checked it.
import type { Instruction } from '../syntax';
import type { Range } from '../types';

export type DownloadKind = 'file' | 'key' | 'git' | 'repo-definition';

/** Where the fetched bytes go. */
export type Sink = 'file' | 'shell' | 'extract' | 'key' | 'metadata';

export type DownloadStatus = 'unverified' | 'verified' | 'material' | 'metadata';

export interface Download {
  readonly id: number;
  readonly instruction: Instruction;
  readonly stageIndex: number;
  /** curl, wget, ADD, git clone, pip, Invoke-WebRequest, WebClient.DownloadFile, … */
  readonly tool: string;
  /** The URL as written (quotes removed, variables unexpanded). */
  readonly url: string;
  /** The URL with ENV/ARG/shell variables expanded; null when some part stays unknown. */
  readonly resolvedUrl: string | null;
  /** Where the URL is (or the command, when the URL has no own text). */
  readonly range: Range;
  kind: DownloadKind;
  sink: Sink;
  /** Interpreter the content is piped to, for sink = shell. */
  interpreter: string | null;
  /** Output file keys (paths as written after expansion). */
  readonly outputs: string[];
  status: DownloadStatus;
  /** How it was verified (for the record and the verified hover). */
  verifiedBy: string | null;
  /** Look-alike checks that do not protect it, named for the message. */
  readonly weak: string[];
  /** What the build does with it afterwards (executed, extracted, installed, …). */
  readonly uses: string[];
  /** git: the ref cloned or checked out. */
  gitRef: string | null;
  /** ADD: where a `--checksum=` flag would go. */
  readonly addInsertAt: Range | null;
}

export interface InsecureUse {
  readonly instruction: Instruction;
  readonly range: Range;
  /** What is insecure, in words: "plain http:// download", "curl -k disables TLS certificate checks", … */
  readonly what: string;
  readonly why: string;
  readonly how: string;
  /** http → https edit when the http URL is written literally in the file. */
  readonly httpsFix: Range | null;
  readonly target: string;
}

export interface KeyProblem {
  readonly instruction: Instruction;
  readonly range: Range;
  readonly what: string;
  readonly target: string;
}

export interface AptSource {
  readonly instruction: Instruction;
  readonly range: Range;
  /** The repository line as written. */
  readonly line: string;
  /** The distribution's own archive (deb.debian.org, archive.ubuntu.com, …), written literally. */
  readonly distro: boolean;
  readonly trustedYes: boolean;
}

export interface DownloadAnalysis {
  readonly downloads: readonly Download[];
  readonly insecure: readonly InsecureUse[];
  /** Key fetches by short key id or similar, not tied to a Download. */
  readonly keyProblems: readonly KeyProblem[];
  readonly aptSources: readonly AptSource[];
  /** Parse problems per RUN start line (for diagnostics and the parser benchmark). */
  readonly parseErrors: ReadonlyMap<number, readonly string[]>;
}
