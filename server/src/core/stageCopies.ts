// Which stages copy files out of which (COPY --from=<stage>): what a stage-local rule may know about its consumers.
import type { CopyOut, DockerfileModel, ImageUse, Stage } from './model';

export type { CopyOut };
import type { Instruction } from './syntax';

/** A COPY --from=<stage> of one stage (ONBUILD triggers excluded): the stage it names and what it takes. */
export interface CopyUse {
  /** The --from value after expansion: a stage name or index. */
  readonly resolved: string;
  readonly sources: readonly string[];
}

/**
 * The COPY --from=<stage> uses of one stage, from its image uses and instructions; `at` is the line of the
 * instructions' frame in the images' frame (the images of a whole model are absolute, a Stage is in its own).
 */
export function stageCopyUses(images: readonly ImageUse[], instructions: readonly Instruction[], at: number): CopyUse[] {
  const out: CopyUse[] = [];
  for (const use of images) {
    if (use.source !== 'copy-from' || use.kind !== 'stage' || use.onbuild || use.resolved === null) continue;
    const ins = instructions.find((i) => i.startLine === use.line - at && i.keyword === 'COPY');
    if (ins !== undefined) out.push({ resolved: use.resolved, sources: sourcesOf(ins) });
  }
  return out;
}

/** For every stage index, what other stages copy out of it, given each stage's copy uses (`usesOf(k)`). */
export function copiesFrom(stages: readonly Stage[], usesOf: (k: number) => readonly CopyUse[]): Map<number, CopyOut[]> {
  const out = new Map<number, CopyOut[]>();
  if (stages.length < 2) return out;
  const byName = new Map<string, number>();
  for (const [k, s] of stages.entries()) if (s.name !== null && !byName.has(s.name.toLowerCase())) byName.set(s.name.toLowerCase(), k);
  for (const [k, consumer] of stages.entries()) {
    for (const use of usesOf(k)) {
      const target = /^[0-9]+$/.test(use.resolved) ? Number(use.resolved) : byName.get(use.resolved.toLowerCase());
      if (target === undefined || target === k) continue;
      const list = out.get(target) ?? [];
      list.push({ into: consumer.name ?? String(k), sources: use.sources });
      out.set(target, list);
    }
  }
  return out;
}

/** For every stage index, the COPY --from instructions of other stages that name it (ONBUILD triggers excluded). */
export function copiesByStage(model: DockerfileModel): Map<number, CopyOut[]> {
  if (model.stages.length < 2) return new Map();
  const images = new Map<number, ImageUse[]>();
  for (const use of model.images) {
    if (use.stageIndex < 0) continue;
    const list = images.get(use.stageIndex);
    if (list === undefined) images.set(use.stageIndex, [use]);
    else list.push(use);
  }
  return copiesFrom(model.stages, (k) => stageCopyUses(images.get(k) ?? [], (model.stages[k] as Stage).instructions, model.stageLines[k] ?? 0));
}

/** Equal lists of copies (what a stage-local rule may say about a stage's consumers). */
export function sameCopies(a: readonly CopyOut[] | undefined, b: readonly CopyOut[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const p = x[i] as CopyOut;
    const q = y[i] as CopyOut;
    if (p.into !== q.into || p.sources.length !== q.sources.length || p.sources.some((v, j) => v !== q.sources[j])) return false;
  }
  return true;
}

function sourcesOf(ins: Instruction): string[] {
  const args = ins.args.map((a) => a.value);
  const json = /^\s*\[/.test(ins.argsText) ? parseJsonArray(ins.argsText) : null;
  const words = json ?? args;
  return words.slice(0, -1).map((w) => w.replace(/^["']|["']$/g, ''));
}

function parseJsonArray(text: string): string[] | null {
  try {
    const v: unknown = JSON.parse(text.trim());
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  } catch {
    return null;
  }
}
