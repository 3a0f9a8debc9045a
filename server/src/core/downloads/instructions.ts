// COPY and ADD: files from the build context are trusted material; ADD of a URL or git repository is a download.
import type { Range } from '../types';
import type { WalkContext } from './context';
import { HEX40, isInsecureHttp, urlBasename } from './values';

export function copyInstruction(ctx: WalkContext): void {
  if (ctx.source.flags.some((f) => f.name.toLowerCase() === 'from')) return;
  // Files from the build context are trusted material (checksum lists, keys shipped with the source).
  for (const a of ctx.source.args) ctx.setFile(a.value.replace(/^["']|["']$/g, ''), { origin: 'context', downloads: [], entries: null });
}

export function addInstruction(ctx: WalkContext): void {
  const ins = ctx.source;
  const args = ins.args;
  if (args.length < 2) return;
  const dest = (args[args.length - 1] as { value: string }).value;
  const checksum = ins.flags.find((f) => f.name.toLowerCase() === 'checksum');
  if (ins.flags.some((f) => f.name.toLowerCase() === 'from')) return;
  for (const a of args.slice(0, -1)) {
    const raw = a.value.replace(/^["']|["']$/g, '');
    const ex = ctx.expandDocker(raw);
    const resolved = ex.resolved ? ex.text : null;
    const probe = resolved ?? raw;
    const isGit = /^git@|^git:\/\/|^ssh:\/\/|\.git(?:#|$)|^https?:\/\/[^#]*\.git#/i.test(probe) || (/^https?:\/\/(?:github\.com|gitlab\.com)\/[^/]+\/[^/]+\/?(?:#.*)?$/i.test(probe) && probe.includes('#'));
    const isHttp = /^(?:https?|ftp):\/\//i.test(probe);
    if (!isGit && !isHttp) {
      ctx.setFile(raw, { origin: 'context', downloads: [], entries: null });
      continue;
    }
    const insertAt: Range = { start: ins.keywordRange.end, end: ins.keywordRange.end };
    const d = ctx.newDownload('ADD', raw, resolved, a.range, isGit ? 'git' : 'file', insertAt);
    if (isGit) {
      const frag = probe.includes('#') ? (probe.slice(probe.indexOf('#') + 1).split(':')[0] ?? '') : '';
      d.gitRef = frag === '' ? null : frag;
      if (HEX40.test(frag)) ctx.verify(d, `ADD of git commit ${frag}`);
      else if (checksum !== undefined && checksum.value !== null && HEX40.test(ctx.expandDocker(checksum.value).text)) ctx.verify(d, 'ADD --checksum pins the git commit');
    } else if (checksum !== undefined && checksum.value !== null && checksum.value !== '') {
      ctx.verify(d, `ADD --checksum=${checksum.value}`);
    }
    if (isHttp && isInsecureHttp(probe)) ctx.insecureHttp(probe, raw, a.range);
    const target = dest.endsWith('/') ? dest + urlBasename(probe) : dest;
    d.outputs.push(target);
    ctx.addFile(target, d);
  }
}
