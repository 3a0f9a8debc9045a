// download-insecure-transport: plain http:// fetches and switches that turn off TLS or package signature checks.
import { analyzeDownloads } from '../downloads';
import type { Download } from '../downloads/types';
import type { Rule } from '../rule';
import { rangeKey } from '../types';

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
    const analysis = analyzeDownloads(ctx.model);
    // The transport is flagged where the fetch is written; whether the bytes are checked is known only once the
    // whole stage was walked, so the message is chosen here from the download's final state.
    const fetched = new Map<string, Download>();
    for (const d of analysis.downloads) fetched.set(`${rangeKey(d.range)}|${d.resolvedUrl ?? d.url}`, d);
    for (const u of analysis.insecure) {
      const d = fetched.get(`${rangeKey(u.range)}|${u.target}`);
      const checked = d?.status === 'verified' && u.target.toLowerCase().startsWith('http://');
      const why = checked
        ? `It is checked afterwards (${d.verifiedBy ?? 'against a pinned checksum'}), so a replaced file fails the build; but anyone on the network path can read what is fetched and make the build fail`
        : u.why;
      const how = checked ? (u.httpsFix !== null ? 'use https:// (quick fix available)' : 'use an https:// URL (the http:// comes from a variable: change its value)') : u.how;
      ctx.report({
        range: u.range,
        anchorLine: u.instruction.startLine,
        message: `${capitalize(u.what)}. ${capitalize(why)}. Fix: ${how}.`,
        data: { kind: 'insecure-transport', target: u.target, instructionLine: u.instruction.startLine },
        ...(u.httpsFix !== null ? { fixes: [{ title: 'Use https:// for this URL', edits: [{ range: u.httpsFix, newText: 'https://' }], safe: true }] } : {}),
      });
    }
  },
};

function capitalize(s: string): string {
  return s.length > 0 && s[0] !== '`' ? (s[0] as string).toUpperCase() + s.slice(1) : s;
}
