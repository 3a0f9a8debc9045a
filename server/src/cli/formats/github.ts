// GitHub Actions workflow commands (`::error file=…,line=…::message`): annotations on the pull request's diff.
import type { Severity } from '../../core/types';
import type { FileResult, RunInfo } from '../format';

const COMMAND: Readonly<Record<Severity, 'error' | 'warning' | 'notice'>> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/** Escapes a command's message as the runner reads it (% first, then CR and LF). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value: as data, plus ':' and ',' which separate properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(kind: string, props: Readonly<Record<string, string | number>>, message: string): string {
  const list = Object.entries(props).map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  return `::${kind}${list.length > 0 ? ` ${list.join(',')}` : ''}::${escapeData(message)}`;
}

/** One workflow command per finding (paths as given, relative to the workspace), plus one per file error. */
export function formatGithub(results: readonly FileResult[], _info: RunInfo): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.error !== undefined) {
      out.push(command('error', { title: 'dockerfile-trust', file: r.path }, `${r.path}: ${r.error}`));
      continue;
    }
    for (const f of r.findings) {
      out.push(
        command(
          COMMAND[f.severity],
          {
            // The order @actions/core writes them in.
            title: `${f.code} ${f.ruleId}`,
            file: r.path,
            line: f.range.start.line + 1,
            endLine: f.range.end.line + 1,
            // Columns only make sense on one line (the runner ignores them otherwise).
            ...(f.range.start.line === f.range.end.line ? { col: f.range.start.character + 1, endColumn: f.range.end.character + 1 } : {}),
          },
          f.message,
        ),
      );
    }
  }
  return out.length > 0 ? out.join('\n') + '\n' : '';
}
