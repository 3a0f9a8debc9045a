// Plain results of the download analysis: what was fetched, where it went, and what checked it.
import type { Instruction } from '../syntax';
import type { Position, Range } from '../types';

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
  /** Every URL it may be when a `case` arm or a loop chooses (empty when there is one). */
  alternatives: readonly string[];
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
  /** Look-alike checks that do not protect it, named for the message ("looks checked but is not"). */
  readonly weak: string[];
  /** Context that is not a check (the version is resolved at build time, a .repo file decides the key, …). */
  readonly notes: string[];
  /** What the build does with it afterwards (executed, extracted, installed, …). */
  readonly uses: string[];
  /** The first use that ran the bytes (executed, extracted, installed) while it was still unchecked. */
  usedBeforeCheck: string | null;
  /** git: the ref cloned or checked out. */
  gitRef: string | null;
  /** ADD: where a `--checksum=` flag would go. */
  readonly addInsertAt: Range | null;
  /** Fetched by a helper function: reported at the call site, with the call's arguments. */
  inHelper: boolean;
  /** What the "Pin this download" / "Pin this clone" fixes need, when they can be offered. */
  pin: PinTarget | null;
  /**
   * Piped into an interpreter: the command that runs the downloaded file instead, with the interpreter and its
   * arguments kept (`bash -s -- -y` → `bash /tmp/install.sh -y`), for the message's remedy; null when unknown.
   */
  runFromFile: { readonly file: string; readonly run: string } | null;
}

/**
 * Where a pin goes, in document positions (moved with the finding when lines above change). The
 * fixes fetch the URL once (file pins) or resolve the ref (clone pins) and build the edit with pins.ts.
 */
export type PinTarget =
  | {
      /** A fetch into a file: a check of the file's SHA-256 is inserted right after the fetch command. */
      readonly kind: 'file';
      readonly shell: 'posix' | 'powershell';
      readonly url: string;
      /** The file as the script names it (a shell word, quotes removed). */
      readonly file: string;
      readonly insertAt: Position;
      /** chain: ` && check` keeps the chain's failure semantics; exit: ` && { check || exit 1; }`. */
      readonly guard: 'chain' | 'exit';
    }
  | {
      /** `curl … | sh`: rewritten to download → check → run. */
      readonly kind: 'pipe';
      readonly url: string;
      readonly replace: Range;
      /** The fetch command writing to `file`, and the run command reading it, as they will be written. */
      readonly fetch: string;
      readonly file: string;
      readonly run: string;
    }
  | {
      /** `git clone`: `git -C <dir> checkout <commit>` is inserted after the clone. */
      readonly kind: 'clone';
      readonly url: string;
      /** Branch or tag cloned; null = the default branch (HEAD). */
      readonly ref: string | null;
      readonly dir: string;
      readonly insertAt: Position;
      readonly guard: 'chain' | 'exit';
    }
  | {
      /** `ADD <git url>`: the commit goes into the URL (`#<commit>`, or `&commit=` in the query form). */
      readonly kind: 'add-git';
      readonly url: string;
      readonly ref: string | null;
      /** The URL word as written (no variables), and where it is. */
      readonly written: string;
      readonly replace: Range;
    };

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

/** Parse problems that mean part of a script was not followed (ordinary syntax errors still leave a best reading). */
export const UNREAD = /^nesting too deep$|^internal: /;

export interface DownloadAnalysis {
  readonly downloads: readonly Download[];
  readonly insecure: readonly InsecureUse[];
  /** Key fetches by short key id or similar, not tied to a Download. */
  readonly keyProblems: readonly KeyProblem[];
  readonly aptSources: readonly AptSource[];
  /** Parse problems per RUN start line (for diagnostics and the parser benchmark). */
  readonly parseErrors: ReadonlyMap<number, readonly string[]>;
}
