// git-ref-unpinned: a git source (ADD of a git URL, git clone, pip/npm git+, asdf plugins) not pinned to a full commit.
import { analyzeDownloads } from '../downloads';
import { contextText } from '../downloads/messages';
import type { Download } from '../downloads/types';
import type { Rule } from '../rule';

export const gitRefUnpinned: Rule = {
  id: 'git-ref-unpinned',
  code: 'DT207',
  category: 'download',
  defaultSeverity: 'warning',
  description: 'git source fetched by branch or tag instead of a full commit hash',
  fix: 'unsafe',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const d of analyzeDownloads(ctx.model).downloads) {
      if (d.status !== 'unverified' || d.kind !== 'git') continue;
      const ref = d.gitRef === null ? 'the default branch' : `"${d.gitRef}"${/^[0-9a-f]{7,39}$/i.test(d.gitRef) ? ' (a short commit hash, which can become ambiguous)' : ' (a branch or tag, which can be moved)'}`;
      ctx.report({
        range: d.range,
        anchorLine: d.instruction.startLine,
        message: `${d.tool} of ${d.url} uses ${ref}.${contextText(d)} ${remedy(d)}`,
        data: { kind: 'git', url: d.url, ref: d.gitRef, instructionLine: d.instruction.startLine, ...(d.pin !== null ? { pin: d.pin } : {}) },
      });
    }
  },
};

/** A commit pin in the tool's own terms (for git sources that is never a file checksum). */
function remedy(d: Download): string {
  switch (d.tool) {
    case 'ADD':
      return `Pin the full commit in the URL: ADD ${d.url.replace(/[#?].*$/, '')}#<40-hex commit>, or keep the ref readable with ?tag=<tag>&commit=<40-hex commit> (BuildKit checks that the ref resolves to it).`;
    case 'pip':
      return 'Pin the full commit: pip install "git+https://…@<40-hex commit>".';
    case 'npm':
      return 'Pin the full commit: npm install "git+https://…#<40-hex commit>" (or install a published version with a lockfile).';
    case 'asdf plugin add':
      return 'Pin the plugin to a full commit after adding it: asdf plugin update <name> <40-hex commit>.';
    default:
      return `Check out a full commit after cloning and fail if it is missing: git clone <url> dir && git -C dir checkout <40-hex commit>.`;
  }
}
