// git-ref-unpinned: a git source (ADD of a git URL, git clone, pip git+) not pinned to a full commit.
import { analyzeDownloads } from '../downloads';
import { usesText } from '../downloads/messages';
import type { Rule } from '../rule';

export const gitRefUnpinned: Rule = {
  id: 'git-ref-unpinned',
  code: 'DT207',
  category: 'download',
  defaultSeverity: 'warning',
  description: 'git source fetched by branch or tag instead of a full commit hash',
  fix: 'none',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const d of analyzeDownloads(ctx.model).downloads) {
      if (d.status !== 'unverified' || d.kind !== 'git') continue;
      const ref = d.gitRef === null ? 'the default branch' : `"${d.gitRef}"${/^[0-9a-f]{7,39}$/i.test(d.gitRef) ? ' (a short commit hash, which can become ambiguous)' : ' (a branch or tag, which can be moved)'}`;
      const how =
        d.tool === 'ADD'
          ? `Pin the full commit: ADD ${d.url.replace(/#.*$/, '')}#<40-hex commit> (or keep the tag and add --checksum=<40-hex commit>).`
          : `Check out a full commit after cloning and fail if it differs: git clone <url> dir && git -C dir checkout <40-hex commit>.`;
      ctx.report({
        range: d.range,
        anchorLine: d.instruction.startLine,
        message: `${d.tool} of ${d.url} uses ${ref}.${usesText(d)} ${how}`,
        data: { kind: 'git', url: d.url, ref: d.gitRef, instructionLine: d.instruction.startLine },
      });
    }
  },
};
