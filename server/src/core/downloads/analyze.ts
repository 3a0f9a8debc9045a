// Download dataflow over a model: one walk per stage, instruction by instruction (walker.ts), each command read
// by its tool handler (handlers/, powershell/).
//
// Per stage, instructions are walked in order with the stage's ARG/ENV values. RUN scripts are parsed
// (shell/parse.ts) and walked with a small symbolic environment: shell variables carry a text value and a
// trust level (literal / from the Dockerfile / fetched during the build / a computed hash), so an expected
// checksum can be told apart from one fetched from the download server. Files are tracked by path and
// basename across the whole stage, so a check in a later RUN counts (and a use before it makes it too late).
import { stageInstructionsAt, type DockerfileModel } from '../model';
import { isWindowsImage } from '../shell/source';
import type { Instruction } from '../syntax';
import { copiesByStage, type CopyOut } from '../stageCopies';
import { Collector, type StageState } from './state';
import type { Download, DownloadAnalysis } from './types';
import { VERIFICATION_MATERIAL } from './values';
import { globalVars, StageVars } from './vars';
import { InstructionWalker } from './walker';

/** Analyzes every stage of the model. Pure; never throws (errors become an empty analysis for that stage). */
export function runAnalysis(model: DockerfileModel): DownloadAnalysis {
  const out = new Collector();
  // A stage's part of the model carries what other stages copy out of it; the whole model says it itself.
  const copies = model.copiesOut !== undefined && model.stages.length === 1 ? new Map([[0, model.copiesOut]]) : copiesByStage(model);
  const globals = globalVars(model);
  const escape = model.directives.escape;
  for (const [k, stage] of model.stages.entries()) {
    // Walked in the model's frame (a stage part's frame is the stage's own, so nothing moves there).
    const instructions = stageInstructionsAt(model, k);
    try {
      const imageText = stage.from.from?.image?.value ?? '';
      const windows = escape === '`' || isWindowsImage(imageText);
      const state: StageState = {
        stageIndex: model.partIndex ?? k,
        files: new Map(),
        trustedKeys: false,
        untrustedKeys: [],
        repos: [],
        vars: new StageVars(globals, escape),
        shell: windows ? 'cmd' : 'posix',
        errexit: false,
        windows,
      };
      const first = out.downloads.length;
      const triggers: Instruction[] = [];
      for (const ins of instructions) {
        if (ins.keyword === 'FROM') continue;
        if (ins.keyword === 'ONBUILD') triggers.push(ins);
        else new InstructionWalker(model, state, ins, out).run();
      }
      // ONBUILD triggers run in the image built FROM this one, after everything here: walked like the
      // instructions they become, on a copy of the stage as it ends.
      if (triggers.length > 0) {
        const child: StageState = { ...state, files: new Map(state.files), untrustedKeys: [...state.untrustedKeys], repos: [...state.repos] };
        for (const ins of triggers) if (ins.trigger !== null && ins.trigger.keyword !== 'ONBUILD' && ins.trigger.keyword !== 'FROM') new InstructionWalker(model, child, ins.trigger, out, ins).run();
      }
      // A detached signature or checksum file that nothing uses is inert: nothing runs or installs it.
      for (const d of out.downloads.slice(first)) {
        if (d.status === 'unverified' && d.kind === 'file' && d.sink === 'file' && d.uses.length === 0 && d.outputs.length > 0 && d.outputs.every((o) => VERIFICATION_MATERIAL.test(o))) d.status = 'material';
      }
      for (const c of copies.get(k) ?? []) markCopied(out.downloads.slice(first), c);
    } catch (err) {
      out.parseErrors.set(stage.from.startLine + (model.stageLines[k] ?? 0), [`internal: ${err instanceof Error ? err.message : String(err)}`]);
    }
  }
  return { downloads: out.downloads, insecure: out.insecure, keyProblems: out.keyProblems, aptSources: out.aptSources, parseErrors: out.parseErrors };
}

/** "copied into stage X": a download whose file another stage takes with COPY --from. */
function markCopied(downloads: readonly Download[], c: CopyOut): void {
  for (const d of downloads) {
    if (d.sink !== 'file' || d.status === 'material' || d.status === 'metadata') continue;
    if (!d.outputs.some((o) => c.sources.some((s) => copiedBy(s, o)))) continue;
    const what = `copied into stage ${c.into} (COPY --from)`;
    if (!d.uses.includes(what)) d.uses.push(what);
  }
}

/** Does COPY source `src` take the file at `path` (the path itself, a directory above it, or a glob)? */
function copiedBy(src: string, path: string): boolean {
  const s = src.replace(/\/+$/, '');
  if (s === '' || path === s || path.startsWith(`${s}/`)) return true;
  if (!/[*?[]/.test(s)) return false;
  const re = new RegExp(`^${s.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}(?:/|$)`);
  return re.test(path);
}
