// download-insecure-transport: plain http:// fetches and switches that turn off TLS or package signature checks.
import { analyzeDownloads } from '../downloads';
import type { Rule } from '../rule';

export const downloadInsecureTransport: Rule = {
  id: 'download-insecure-transport',
  code: 'DT203',
  category: 'download',
  defaultSeverity: 'warning',
  description: 'Download over plain HTTP, or TLS / package signature checks turned off',
  fix: 'safe',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const u of analyzeDownloads(ctx.model).insecure) {
      ctx.report({
        range: u.range,
        anchorLine: u.instruction.startLine,
        message: `${capitalize(u.what)}. ${capitalize(u.why)}. Fix: ${u.how}.`,
        data: { kind: 'insecure-transport', target: u.target, instructionLine: u.instruction.startLine },
        ...(u.httpsFix !== null ? { fixes: [{ title: 'Use https:// for this URL', edits: [{ range: u.httpsFix, newText: 'https://' }], safe: true }] } : {}),
      });
    }
  },
};

function capitalize(s: string): string {
  return s.length > 0 && s[0] !== '`' ? (s[0] as string).toUpperCase() + s.slice(1) : s;
}
