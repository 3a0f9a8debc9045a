// The Markdown job summary of the GitHub Action ($GITHUB_STEP_SUMMARY): counts, then a table of findings.
// Everything from a Dockerfile is hostile here: it is escaped so it cannot add links, images, HTML or cells.
import { SEVERITY_ORDER, type Severity } from '../../core/types';
import type { FileResult, RunInfo } from '../format';

/** Backslash-escapes Markdown punctuation, HTML-escapes markup, keeps one line (GitHub-flavoured Markdown). */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|~:@]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const ICON: Readonly<Record<Severity, string>> = { error: '🔴 error', warning: '🟠 warning', information: '🔵 info', hint: '⚪ hint' };
/** A summary is at most 1 MiB; a few hundred rows is what a person reads anyway. */
const MAX_ROWS = 200;

export function formatSummary(results: readonly FileResult[], info: RunInfo): string {
  const all = results.flatMap((r) => r.findings.map((f) => ({ path: r.path, f })));
  all.sort((a, b) => SEVERITY_ORDER[b.f.severity] - SEVERITY_ORDER[a.f.severity] || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.f.range.start.line - b.f.range.start.line);
  const count = (s: Severity): number => all.filter((x) => x.f.severity === s).length;
  const failing = all.filter((x) => SEVERITY_ORDER[x.f.severity] >= SEVERITY_ORDER[info.threshold]).length;
  const files = results.filter((r) => r.error === undefined).length;
  const out: string[] = ['## Dockerfile Trust', ''];
  if (all.length === 0) out.push(`✅ No problems in ${files} Dockerfile${files === 1 ? '' : 's'}.`);
  else {
    out.push(
      `${failing > 0 ? '❌' : '✅'} **${all.length}** finding${all.length === 1 ? '' : 's'} in ${files} Dockerfile${files === 1 ? '' : 's'}; **${failing}** at or above \`${info.threshold}\`.`,
      '',
      '| errors | warnings | info | hints |',
      '|---:|---:|---:|---:|',
      `| ${count('error')} | ${count('warning')} | ${count('information')} | ${count('hint')} |`,
      '',
      '| severity | where | rule | finding |',
      '|---|---|---|---|',
    );
    for (const { path, f } of all.slice(0, MAX_ROWS)) {
      out.push(`| ${ICON[f.severity]} | ${mdText(path)}:${f.range.start.line + 1} | ${f.code} ${mdText(f.ruleId)} | ${mdText(f.message)} |`);
    }
    if (all.length > MAX_ROWS) out.push('', `… and ${all.length - MAX_ROWS} more (see the SARIF report or the log).`);
  }
  const problems = results.filter((r) => r.error !== undefined);
  if (problems.length > 0) {
    out.push('', '**Not checked:**', '');
    for (const r of problems) out.push(`- ${mdText(r.path)}: ${mdText(r.error ?? '')}`);
  }
  out.push('', `<sub>dockerfile-trust ${mdText(info.version)}</sub>`, '');
  return out.join('\n');
}
