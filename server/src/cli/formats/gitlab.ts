// GitLab Code Quality report (the JSON array `artifacts: reports: codequality` reads): one issue per finding.
import { createHash } from 'node:crypto';
import type { Severity } from '../../core/types';
import type { FileResult, RunInfo } from '../format';

const SEVERITY: Readonly<Record<Severity, 'blocker' | 'critical' | 'major' | 'minor' | 'info'>> = { error: 'critical', warning: 'major', information: 'minor', hint: 'info' };

/** Repository-relative, forward slashes, no leading './' (GitLab matches it against the diff's paths). */
function reportPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

export function formatGitlab(results: readonly FileResult[], _info: RunInfo): string {
  const issues: unknown[] = [];
  // GitLab keeps one issue per fingerprint. The fingerprint leaves the line out (an edit above a finding must
  // not make it look new); identical findings in one file are told apart by their order.
  const seen = new Map<string, number>();
  for (const r of results) {
    if (r.error !== undefined) continue;
    const path = reportPath(r.path);
    for (const f of r.findings) {
      const base = `${path}\0${f.ruleId}\0${f.message}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      issues.push({
        type: 'issue',
        description: `${f.code} ${f.message}`,
        check_name: f.ruleId,
        fingerprint: createHash('sha256').update(`${base}\0${n}`).digest('hex'),
        severity: SEVERITY[f.severity],
        categories: ['Security'],
        location: { path, lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 } },
      });
    }
  }
  return JSON.stringify(issues, null, 2) + '\n';
}
