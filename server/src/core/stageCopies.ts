// Which stages copy files out of which (COPY --from=<stage>): what a stage-local rule may know about its consumers.
import type { CopyOut, DockerfileModel } from './model';

export type { CopyOut };
import type { Instruction } from './syntax';

/** For every stage index, the COPY --from instructions of other stages that name it (ONBUILD triggers excluded). */
export function copiesByStage(model: DockerfileModel): Map<number, CopyOut[]> {
  const out = new Map<number, CopyOut[]>();
  if (model.stages.length < 2) return out;
  const byName = new Map<string, number>();
  for (const [k, s] of model.stages.entries()) if (s.name !== null && !byName.has(s.name.toLowerCase())) byName.set(s.name.toLowerCase(), k);
  for (const use of model.images) {
    if (use.source !== 'copy-from' || use.kind !== 'stage' || use.onbuild || use.resolved === null) continue;
    const target = /^[0-9]+$/.test(use.resolved) ? Number(use.resolved) : byName.get(use.resolved.toLowerCase());
    const consumer = model.stages[use.stageIndex];
    if (target === undefined || consumer === undefined || target === use.stageIndex) continue;
    // The consumer's instructions are in its own frame (Stage).
    const line = use.line - (model.stageLines[use.stageIndex] ?? 0);
    const ins = consumer.instructions.find((i) => i.startLine === line && i.keyword === 'COPY');
    if (ins === undefined) continue;
    const list = out.get(target) ?? [];
    list.push({ into: consumer.name ?? String(use.stageIndex), sources: sourcesOf(ins) });
    out.set(target, list);
  }
  return out;
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
