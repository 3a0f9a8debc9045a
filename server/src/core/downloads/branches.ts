// Does a branch of a check fail the build? `|| exit 1` and `else exit 1` do; `|| true` and `then echo "mismatch"` do not.
import type { ShCommand, ShList, ShNode } from '../shell/parse';
import type { Outcome } from './context';
import type { Env } from './state';

/** Commands that end the script or fail (a non-zero status is what stops a RUN). */
const FAILING = new Set(['exit', 'false', 'return', 'kill', 'abort', 'die', 'fail', 'fatal', 'panic', 'error', 'err', 'throw']);
/** Commands that only print or do nothing: a branch made of them lets the build go on. */
const BENIGN = new Set(['echo', 'printf', 'true', ':', 'logger', 'sleep', 'cat', 'rm', 'touch', 'export', 'unset', 'set', 'wall']);

/** The outcome of running `node` as a branch (`prefix` is how it is written before the branch, for the message). */
export function branchOutcome(node: ShNode | ShList | null, env: Env, prefix = '', depth = 0): Outcome {
  if (node === null) return { fate: 'continues', text: '' };
  const cmds = topCommands(node);
  const text = prefix + cmds.map(commandText).join('; ');
  if (cmds.length === 0) return { fate: 'continues', text };
  let benign = true;
  for (const c of cmds) {
    const name = c.words[0]?.text ?? '';
    const fn = env.functions.get(name);
    if (fn !== undefined && depth < 4) {
      const inner = branchOutcome(fn, env, '', depth + 1);
      if (inner.fate === 'fails') return { fate: 'fails', text };
      if (inner.fate === 'none') benign = false;
      continue;
    }
    if (FAILING.has(name) && !((name === 'exit' || name === 'return') && c.words[1]?.text === '0')) return { fate: 'fails', text };
    if (!BENIGN.has(name)) benign = false;
  }
  return { fate: benign ? 'continues' : 'none', text };
}

/** Simple commands of a branch, not looking into loops, conditionals or substitutions. */
function topCommands(node: ShNode | ShList): ShCommand[] {
  const out: ShCommand[] = [];
  const stack: (ShNode | ShList)[] = [node];
  let guard = 0;
  while (stack.length > 0 && guard++ < 1000) {
    const n = stack.pop() as ShNode | ShList;
    switch (n.type) {
      case 'cmd':
        out.push(n);
        break;
      case 'list':
      case 'pipeline':
      case 'andor':
        for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i] as ShNode);
        break;
      case 'group':
      case 'subshell':
        stack.push(n.body);
        break;
      case 'function':
        stack.push(n.body);
        break;
      default:
        // if/loops/case inside a branch: unknown, so not benign.
        out.push({ type: 'cmd', assigns: [], words: [{ raw: n.type, start: 0, end: 0, text: n.type, subs: [], dynamic: false }], redirects: [], start: 0, end: 0 });
    }
  }
  return out;
}

function commandText(c: ShCommand): string {
  const s = c.words.map((w) => w.raw).join(' ');
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
