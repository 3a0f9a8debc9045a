// Dockerfile ARG/ENV values per stage, in instruction order, as the shell of a RUN sees them.
import { expand } from '../expand';
import { envPairs, parseArgDecls, type DockerfileModel } from '../model';
import type { Instruction } from '../syntax';

export interface DockerVar {
  readonly value: string | undefined;
  readonly source: 'env' | 'arg';
  readonly line: number;
}

/** Variable scope of one stage, advanced instruction by instruction. */
export class StageVars {
  private readonly vars = new Map<string, DockerVar>();
  constructor(private readonly globals: ReadonlyMap<string, DockerVar>, private readonly escape: string) {}

  get(name: string): DockerVar | undefined {
    return this.vars.get(name);
  }

  lookup = (name: string): string | undefined => this.vars.get(name)?.value;

  /** Applies an ARG or ENV instruction. */
  apply(ins: Instruction): void {
    if (ins.keyword === 'ARG') {
      for (const a of parseArgDecls(ins)) {
        let value: string | undefined;
        if (a.default !== null) value = known(expand(a.default, this.lookup, this.escape));
        else value = this.globals.get(a.name)?.value;
        this.vars.set(a.name, { value, source: 'arg', line: ins.startLine });
      }
    } else if (ins.keyword === 'ENV') {
      for (const e of envPairs(ins)) this.vars.set(e.name, { value: known(expand(e.value, this.lookup, this.escape)), source: 'env', line: ins.startLine });
    }
  }
}

/** A value with an unset variable in it is unknown, not the text with that part left empty. */
function known(e: { value: string; unresolved: readonly string[] }): string | undefined {
  return e.unresolved.length > 0 ? undefined : e.value;
}

/** Global ARGs (before the first FROM) with their defaults. */
export function globalVars(model: DockerfileModel): Map<string, DockerVar> {
  const out = new Map<string, DockerVar>();
  const lookup = (n: string): string | undefined => out.get(n)?.value;
  for (const a of model.globalArgs) {
    out.set(a.name, { value: a.default === null ? undefined : known(expand(a.default, lookup, model.directives.escape)), source: 'arg', line: a.line });
  }
  return out;
}
