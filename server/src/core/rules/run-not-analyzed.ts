// run-not-analyzed: a RUN whose script could not be followed to the end (nesting past the parser's budget, or an
// analysis failure), so downloads in it may go unreported. Silence here would be an evasion: wrapping `curl | sh`
// in a hundred `{ … }` must not hide it.
import { analyzeDownloads } from '../downloads';
import { UNREAD } from '../downloads/types';
import { instructionAt } from '../model';
import type { Rule } from '../rule';

export const runNotAnalyzed: Rule = {
  id: 'run-not-analyzed',
  code: 'DT208',
  category: 'download',
  defaultSeverity: 'warning',
  description: 'RUN script nested or malformed past what the analysis can follow: downloads in it are not checked',
  fix: 'none',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    const { parseErrors } = analyzeDownloads(ctx.model);
    for (const [line, errors] of parseErrors) {
      const unread = errors.filter((e) => UNREAD.test(e));
      if (unread.length === 0) continue;
      const ins = instructionAt(ctx.model, line);
      if (ins === undefined) continue;
      const why = unread.some((e) => e === 'nesting too deep')
        ? 'its commands nest deeper than the analysis follows (64 levels of commands such as { }, ( ), if, loops and case; 16 of $( ); 8 of scripts run by scripts, such as sh -c)'
        : `the analysis failed on it (${unread[0]!.replace(/^internal: /, '')})`;
      ctx.report({
        range: ins.keywordRange,
        anchorLine: ins.startLine,
        message:
          `${ins.keyword} was not fully analysed: ${why}. Downloads, checks and keys in the rest of it are not checked, so an unverified download there would go unreported. ` +
          'Flatten the script (or move it into a file you COPY and check), so every command can be followed.',
      });
    }
  },
};
