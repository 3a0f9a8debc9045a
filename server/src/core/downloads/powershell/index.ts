// PowerShell RUN scripts (Windows images): parsed (syntax.ts) and walked (walk.ts) with the cmdlet table (cmdlets.ts).
import type { Range } from '../../types';
import type { WalkContext } from '../context';
import { PsScope } from './scope';
import { parsePowerShell } from './syntax';
import { PsWalker } from './walk';
import { UNREAD } from '../types';

/**
 * Analyzes one PowerShell script; findings go to the walk context. `exact`: offsets in `text` map to document
 * positions one to one (a shell-form RUN under SHELL ["powershell", …]), so fixes may insert text.
 */
export function analyzePowerShell(ctx: WalkContext, text: string, rangeAt: (start: number, end: number) => Range, exact = false): void {
  // `powershell -NoProfile -Command "…"` from cmd: the script is what follows -Command (quotes removed).
  let offset = 0;
  let script = text;
  const lead = /^\s*(?:&\s*)?["']?(?:[A-Za-z]:)?[^\s"']*(?:powershell|pwsh)(?:\.exe)?["']?((?:\s+-(?!c(?:ommand)?\b)[A-Za-z]+(?:\s+(?!-)[^\s"]+)?)*)\s+-c(?:ommand)?\s+/i.exec(text);
  if (lead !== null) {
    offset = lead[0].length;
    script = text.slice(offset);
    const q = /^"([\s\S]*)"\s*$/.exec(script);
    if (q !== null) {
      offset += 1;
      script = q[1] as string;
    }
  }
  const parsed = parsePowerShell(script);
  for (const e of parsed.errors) if (UNREAD.test(e)) ctx.unread(e);
  const at = (s: number, e: number): Range => rangeAt(s + offset, e + offset);
  const w = new PsWalker(ctx, script, at, exact);
  w.statements(parsed.statements, new PsScope(null));
}
