// What the walk over one stage remembers: files and their origin, keys, git clones, shell scopes, and the collected results.
import type { ShNode } from '../shell/parse';
import type { ShellKind } from '../shell/source';
import type { AptSource, Download, InsecureUse, KeyProblem } from './types';
import type { SumEntry, Val } from './values';
import type { StageVars } from './vars';

export interface FileState {
  /** download: fetched; context: from the build context; written: created by the script; signed: checked by gpg. */
  origin: 'download' | 'context' | 'written' | 'signed';
  downloads: Download[];
  /** written: checksum entries it holds (hash trust, file name). */
  entries: SumEntry[] | null;
}

export interface StageState {
  readonly stageIndex: number;
  readonly files: Map<string, FileState>;
  /** gpg keyring: a key pinned by fingerprint or from the context is present. */
  trustedKeys: boolean;
  /** Keys imported from unverified downloads (waiting for a fingerprint filter). */
  untrustedKeys: Download[];
  readonly repos: Download[];
  readonly vars: StageVars;
  shell: ShellKind;
  /** SHELL set `-e` (or PowerShell's $ErrorActionPreference = 'Stop') for every RUN. */
  errexit: boolean;
  /** Windows image: curl means curl.exe, paths are C:\…. */
  readonly windows: boolean;
}

/** A POSIX shell scope: variables, functions, positional parameters. */
export class Env {
  readonly vars = new Map<string, Val>();
  readonly functions: Map<string, ShNode>;
  positional: Val[] = [];
  constructor(
    readonly parent: Env | null,
    functions?: Map<string, ShNode>,
  ) {
    this.functions = functions ?? parent?.functions ?? new Map();
  }
  get(name: string): Val | undefined {
    return this.vars.get(name) ?? this.parent?.get(name);
  }

  /** `NAME=value`: writes to the nearest scope that has NAME (a function body sees its caller's), else here. */
  assign(name: string, v: Val, local = false): void {
    if (!local && !this.vars.has(name)) {
      for (let e = this.parent; e !== null; e = e.parent) {
        if (e.vars.has(name)) {
          e.vars.set(name, v);
          return;
        }
      }
    }
    this.vars.set(name, v);
  }
}

/** Results of the whole analysis. */
export class Collector {
  readonly downloads: Download[] = [];
  readonly insecure: InsecureUse[] = [];
  readonly keyProblems: KeyProblem[] = [];
  readonly aptSources: AptSource[] = [];
  readonly parseErrors = new Map<number, string[]>();
  private seen = new Set<string>();
  nextId = 0;
  /** Dedupes findings produced twice (function bodies walked per call). */
  once(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}
