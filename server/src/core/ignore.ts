// "Ignore this finding on this line": the `# dockerfile-trust ignore=<rule-id>` comment that silences one finding, as
// an edit (a new comment line above the instruction, or the rule added to the comment already there), or why none can.
import { SUPPRESS } from './analyze';
import { instructionAt, type DockerfileModel } from './model';
import type { Finding, TextEdit } from './types';

export type IgnoreEdit = { readonly ok: true; readonly edit: TextEdit } | { readonly ok: false; readonly reason: string };

export function ignoreEdit(model: DockerfileModel, f: Finding): IgnoreEdit {
  if (f.enforced === true) {
    return { ok: false, reason: "it enforces a required entry of the machine's signature policy, which a comment in the Dockerfile cannot waive; change the policy entry instead" };
  }
  const anchor = f.anchorLine;
  // Only a comment right above an instruction is read (a parser directive such as `# syntax=` has none above it:
  // a comment there would end the directives).
  if (anchor === undefined || f.ruleId === 'internal-error' || instructionAt(model, anchor) === undefined) {
    return { ok: false, reason: 'an ignore comment only works on the line above an instruction, and this finding is not on one' };
  }
  const above = anchor > 0 ? model.comments.get(anchor - 1) : undefined;
  const m = above !== undefined ? SUPPRESS.exec(above) : null;
  if (above !== undefined && m !== null) {
    const text = above.replace(/\s+$/, '');
    return { ok: true, edit: { range: { start: { line: anchor - 1, character: 0 }, end: { line: anchor - 1, character: above.length } }, newText: `${text},${f.ruleId}` } };
  }
  const indent = /^\s*/.exec(model.lines[anchor] ?? '')?.[0] ?? '';
  return { ok: true, edit: { range: { start: { line: anchor, character: 0 }, end: { line: anchor, character: 0 } }, newText: `${indent}# dockerfile-trust ignore=${f.ruleId}\n` } };
}
