// File moves and writes that carry a download's identity along: mv/cp/install/ln, and tee.
import type { Handler } from '../context';
import { basename, KEYRING_DIR } from '../values';

export const move: Handler = (ctx, call) => {
  const args = call.t.slice(1).filter((x) => !x.startsWith('-'));
  if (args.length < 2) return;
  const dest = args[args.length - 1] as string;
  for (const src of args.slice(0, -1)) {
    const s = ctx.fileState(src);
    if (s === undefined) continue;
    const target = dest.endsWith('/') ? dest + basename(src) : dest;
    ctx.setFile(target, s);
    if (s.origin === 'download' && KEYRING_DIR.test(target)) {
      for (const d of s.downloads) {
        d.kind = 'key';
        d.sink = 'key';
        ctx.importKey(d);
      }
    }
    if (call.name !== 'ln' && /\/(?:usr\/)?(?:local\/)?s?bin\//.test(target)) ctx.use(src, 'installed into the PATH', false);
  }
};

export const tee: Handler = (ctx, call) => {
  const target = call.t.slice(1).find((x) => !x.startsWith('-'));
  if (target === undefined) return;
  const prev = call.pipe[call.index - 1];
  if (prev !== undefined && prev.type === 'cmd') ctx.writeText(prev, call.env, target, call.cmd);
};

export const FILES: ReadonlyMap<string, Handler> = new Map([
  ['mv', move],
  ['cp', move],
  ['install', move],
  ['ln', move],
  ['tee', tee],
]);
