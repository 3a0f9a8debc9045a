// Where the "Pin this download" / "Pin this clone" fixes can insert their check, found while the command is walked.
// A target is offered only where the inserted text is sure to run right after the fetch and to fail the build
// on a mismatch: a top-level command of the RUN (not inside a loop, conditional, function or `sh -c`), an https
// URL with one known value, and a file name that can be written back into the script as it is.
import type { ShCommand, ShWord } from '../../shell/parse';
import type { Call, StdoutSink, WalkContext } from '../context';
import type { Download, PinTarget } from '../types';
import { basename, SHELL_INTERPRETERS } from '../values';

/** A word that can be written back unquoted or inside double quotes without changing its meaning. */
const SAFE_WORD = /^[A-Za-z0-9._+\-/@%:,=~${}]+$/;
const SAFE_LITERAL = /^[A-Za-z0-9._+\-/@%:,=~]+$/;

/** Where a simple command's text ends (its last word or redirection; the parser's end includes trailing blanks). */
function commandEnd(cmd: ShCommand): number {
  let end = cmd.start;
  for (const w of cmd.words) end = Math.max(end, w.end);
  for (const a of cmd.assigns) end = Math.max(end, a.value.end);
  for (const r of cmd.redirects) end = Math.max(end, r.target?.end ?? end);
  return end;
}

function pinnableUrl(d: Download): string | null {
  const u = d.resolvedUrl;
  if (u === null || d.alternatives.length > 1 || !/^https:\/\/[^/?#\s]+/i.test(u) || /\s/.test(u)) return null;
  return u;
}

function guardOf(call: Call): 'chain' | 'exit' | null {
  if (call.follow === 'and' || call.follow === 'end') return 'chain';
  if (call.follow === 'statement') return call.errexit ? 'chain' : 'exit';
  return null;
}

/** The output word as the check should name it (quotes removed when that is safe), or null. */
function fileWord(outWord: ShWord | null, file: string): string | null {
  if (outWord === null) return SAFE_LITERAL.test(file) ? file : null;
  const raw = outWord.raw;
  if (SAFE_WORD.test(raw)) return raw;
  const m = /^"([^"`\\]*)"$/.exec(raw) ?? /^'([^'"$`\\]*)'$/.exec(raw);
  if (m !== null && SAFE_WORD.test((m[1] as string).replace(/ /g, ''))) return m[1] as string;
  return null;
}

export function pinFileTarget(ctx: WalkContext, call: Call, d: Download, file: string, outWord: ShWord | null): PinTarget | null {
  const url = pinnableUrl(d);
  const guard = guardOf(call);
  if (url === null || guard === null || ctx.st.shell !== 'posix' || call.pipe.length !== 1 || d.sink !== 'file') return null;
  const at = ctx.positionAt(commandEnd(call.cmd));
  const word = fileWord(outWord, file);
  if (at === null || word === null || word === '-') return null;
  return { kind: 'file', shell: 'posix', url, file: word, insertAt: at, guard };
}

export function pinPipeTarget(ctx: WalkContext, call: Call, stdout: StdoutSink, d: Download, tool: 'curl' | 'wget'): PinTarget | null {
  const url = pinnableUrl(d);
  const consumer = stdout.consumer;
  if (url === null || consumer === undefined || ctx.st.shell !== 'posix' || call.index !== 0 || call.pipe.length !== 2 || call.pipe[1] !== consumer) return null;
  if (guardOf(call) === null) return null;
  const start = ctx.positionAt(call.cmd.start);
  const end = ctx.positionAt(commandEnd(consumer));
  if (start === null || end === null) return null;
  const file = pipeFile(url);
  const fetch = tool === 'curl' ? curlToFile(call.cmd, call.words.length, file) : wgetToFile(call.cmd, file);
  const run = runFromFile(consumer, file);
  if (fetch === null || run === null) return null;
  return { kind: 'pipe', url, replace: { start, end }, fetch, file, run };
}

/** Where a piped download is saved instead: /tmp/<the URL's file name>, or /tmp/install.sh. */
function pipeFile(url: string | null): string {
  const name = url === null ? '' : basename(url.replace(/^[a-z]+:\/\/[^/?#]*/i, '').replace(/[?#].*$/, ''));
  return `/tmp/${SAFE_LITERAL.test(name) && name !== '' ? name : 'install.sh'}`;
}

/** The command that runs a piped download from a file, keeping the interpreter and its arguments; null when it cannot be written. */
export function pipeRunFromFile(stdout: StdoutSink, d: Download): { file: string; run: string } | null {
  if (stdout.consumer === undefined) return null;
  const file = pipeFile(d.resolvedUrl);
  const run = runFromFile(stdout.consumer, file);
  return run === null ? null : { file, run };
}

function curlToFile(cmd: ShCommand, ownWords: number, file: string): string | null {
  const raws = cmd.words.map((w) => w.raw);
  const at = raws.length - ownWords + 1;
  return [...raws.slice(0, at), '-o', file, ...raws.slice(at)].join(' ');
}

function wgetToFile(cmd: ShCommand, file: string): string | null {
  const raws = cmd.words.map((w) => w.raw);
  let done = false;
  const out: string[] = [];
  for (let i = 0; i < raws.length; i++) {
    const r = raws[i] as string;
    if (!done && r === '-' && /^-[A-Za-z]*O$/.test(raws[i - 1] ?? '')) {
      out.push(file);
      done = true;
    } else if (!done && /^-[A-Za-z]*O-$/.test(r)) {
      out.push(r.slice(0, -1), file);
      done = true;
    } else if (!done && r === '--output-document=-') {
      out.push(`--output-document=${file}`);
      done = true;
    } else out.push(r);
  }
  return done ? out.join(' ') : null;
}

/** `sh -s -- -y` → `sh <file> -y`; `sudo -E bash -` → `sudo -E bash <file>`; `python3 -` → `python3 <file>`. */
function runFromFile(consumer: ShCommand, file: string): string | null {
  const raws = consumer.words.map((w) => w.raw);
  const k = consumer.words.findIndex((w) => SHELL_INTERPRETERS.test(basename(w.text)));
  if (k < 0) return null;
  const flags: string[] = [];
  let i = k + 1;
  for (; i < raws.length; i++) {
    const r = raws[i] as string;
    if (r === '-' || r === '--') {
      i++;
      break;
    }
    if (!r.startsWith('-')) break;
    if (r !== '-s') flags.push(r);
  }
  if (consumer.redirects.length > 0) return null;
  return [...raws.slice(0, k + 1), ...flags, file, ...raws.slice(i)].join(' ');
}

export function pinCloneTarget(ctx: WalkContext, call: Call, d: Download, dirWord: ShWord | null, dir: string): PinTarget | null {
  const url = d.resolvedUrl;
  const guard = guardOf(call);
  if (url === null || !/^https:\/\/[^/?#\s]+\/\S+$/i.test(url) || guard === null || call.pipe.length !== 1) return null;
  if (d.gitRef !== null && !/^[A-Za-z0-9._/+-]+$/.test(d.gitRef)) return null;
  const at = ctx.positionAt(commandEnd(call.cmd));
  const word = fileWord(dirWord, dir);
  if (at === null || word === null || word === '') return null;
  return { kind: 'clone', url, ref: d.gitRef, dir: word, insertAt: at, guard };
}
