// Values and scopes of the PowerShell walk, and the part of the walker the cmdlet handlers see (PsHost).
import type { Range } from '../../types';
import type { WalkContext } from '../context';
import type { Download } from '../types';
import { val, type Trust, type Val } from '../values';
import type { PsExpr, PsStatement } from './syntax';

/** Objects the download idioms are written with. */
export type PsObj = 'webclient' | 'hash' | 'signature' | 'sigstatus' | 'sigcert' | 'sigthumb' | 'response';

export interface PsVal {
  readonly v: Val;
  readonly obj: PsObj | null;
  /** For hash/signature objects: the file they are about. */
  readonly of: string | null;
}

export const PS_UNKNOWN: PsVal = { v: val('', 'unknown', { resolved: false }), obj: null, of: null };

export function psText(text: string, trust: Trust = 'literal', extra: Partial<Val> = {}): PsVal {
  return { v: val(text, trust, extra), obj: null, of: null };
}

export interface PsFunction {
  readonly params: readonly string[];
  readonly body: readonly PsStatement[];
}

export class PsScope {
  readonly vars = new Map<string, PsVal>();
  readonly functions: Map<string, PsFunction>;
  constructor(readonly parent: PsScope | null) {
    this.functions = parent?.functions ?? new Map();
  }
  get(name: string): PsVal | undefined {
    return this.vars.get(name) ?? this.parent?.get(name);
  }
  set(name: string, v: PsVal): void {
    if (!this.vars.has(name)) {
      for (let s = this.parent; s !== null; s = s.parent) {
        if (s.vars.has(name)) {
          s.vars.set(name, v);
          return;
        }
      }
    }
    this.vars.set(name, v);
  }
}


/** What a cmdlet handler may use of the walk (the walker implements it; handlers never import the walker). */
export interface PsHost {
  readonly ctx: WalkContext;
  readonly exact: boolean;
  readonly nesting: number;
  readonly callSite: Range | null;
  readonly rangeAt: (start: number, end: number) => Range;
  text(e: { start: number; end: number }): string;
  rangeOf(e: { start: number; end: number }): Range;
  expr(e: PsExpr, scope: PsScope): PsVal;
  statements(list: readonly PsStatement[], scope: PsScope): PsVal;
  nested<T>(fn: () => T): T;
  newDownload(tool: string, urlExpr: PsExpr, url: PsVal, kind?: Download['kind']): Download;
  output(d: Download, file: Val, expr: PsExpr): void;
  fileContent(path: string): PsVal;
  fileName(v: PsVal, e: PsExpr): string;
}
