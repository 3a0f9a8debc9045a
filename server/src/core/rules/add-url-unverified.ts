// add-url-unverified: ADD of an http(s) URL without --checksum (and no later check of the file).
import { analyzeDownloads } from '../downloads';
import { contextText, describe } from '../downloads/messages';
import type { Rule } from '../rule';

export const addUrlUnverified: Rule = {
  id: 'add-url-unverified',
  code: 'DT206',
  category: 'download',
  defaultSeverity: 'warning',
  description: 'ADD of a remote URL without --checksum',
  fix: 'safe',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const d of analyzeDownloads(ctx.model).downloads) {
      if (d.status !== 'unverified' || d.tool !== 'ADD' || d.kind !== 'file') continue;
      ctx.report({
        range: d.range,
        anchorLine: d.instruction.startLine,
        message:
          `${describe(d)} has no --checksum.${contextText(d)} ` +
          `Add --checksum=sha256:<the file's SHA-256> after ADD, so the build fails if the file changes.`,
        data: { kind: 'add-checksum', url: d.resolvedUrl ?? d.url, insertAt: d.addInsertAt ?? d.range, instructionLine: d.instruction.startLine },
      });
    }
  },
};
