// The CLI's output formats by name: one function per format, all from the same results.
import { formatJson, formatSarif, formatText, type FileResult, type RunInfo } from '../format';
import { formatCheckstyle } from './checkstyle';
import { formatGithub } from './github';
import { formatGitlab } from './gitlab';

export const FORMATS = ['text', 'json', 'sarif', 'github', 'gitlab', 'checkstyle'] as const;
export type FormatName = (typeof FORMATS)[number];

export function isFormat(s: string): s is FormatName {
  return (FORMATS as readonly string[]).includes(s);
}

export function render(format: FormatName, results: readonly FileResult[], info: RunInfo, color: boolean): string {
  switch (format) {
    case 'json':
      return formatJson(results, info);
    case 'sarif':
      return formatSarif(results, info);
    case 'github':
      return formatGithub(results, info);
    case 'gitlab':
      return formatGitlab(results, info);
    case 'checkstyle':
      return formatCheckstyle(results, info);
    case 'text':
      return formatText(results, color);
  }
}
