// download-unverified: a file fetched during the build (curl, wget, Invoke-WebRequest, pip URL, .repo file) that nothing checks.
import { analyzeDownloads } from '../downloads';
import { contextText, describe, howToVerify } from '../downloads/messages';
import type { Rule } from '../rule';

export const downloadUnverified: Rule = {
  id: 'download-unverified',
  code: 'DT201',
  category: 'download',
  defaultSeverity: 'warning',
  description: 'File downloaded during the build without a checksum or signature check',
  fix: 'unsafe',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const d of analyzeDownloads(ctx.model).downloads) {
      if (d.status !== 'unverified' || d.kind === 'key' || d.kind === 'git' || d.tool === 'ADD' || d.sink === 'shell') continue;
      const what = d.kind === 'repo-definition' ? `Repository definition downloaded with ${describe(d)} is trusted as-is.` : `${describe(d)} is not verified.`;
      ctx.report({
        range: d.range,
        anchorLine: d.instruction.startLine,
        message:
          `${what}${contextText(d)} ` +
          howToVerify(d),
        data: { kind: 'download', url: d.url, resolvedUrl: d.resolvedUrl, instructionLine: d.instruction.startLine, ...(d.pin !== null ? { pin: d.pin } : {}) },
      });
    }
  },
};
