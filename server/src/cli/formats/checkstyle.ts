// Checkstyle XML (read by Jenkins Warnings NG, reviewdog, SonarQube, Bitbucket and GitLab converters).
import type { Severity } from '../../core/types';
import type { FileResult, RunInfo } from '../format';

const SEVERITY: Readonly<Record<Severity, 'error' | 'warning' | 'info'>> = { error: 'error', warning: 'warning', information: 'info', hint: 'info' };

/**
 * An XML 1.0 attribute value: markup characters escaped, line breaks and tabs as references (attribute-value
 * normalisation would turn them into spaces), and characters XML 1.0 cannot carry at all replaced by U+FFFD.
 */
export function xmlAttr(s: string): string {
  return s
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

export function formatCheckstyle(results: readonly FileResult[], _info: RunInfo): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<checkstyle version="4.3">`];
  for (const r of results) {
    out.push(`  <file name="${xmlAttr(r.path)}">`);
    if (r.error !== undefined) out.push(`    <error line="1" severity="error" message="${xmlAttr(r.error)}" source="dockerfile-trust"/>`);
    for (const f of r.findings) {
      out.push(
        `    <error line="${f.range.start.line + 1}" column="${f.range.start.character + 1}" severity="${SEVERITY[f.severity]}" ` +
          `message="${xmlAttr(`${f.message} (${f.code})`)}" source="dockerfile-trust.${xmlAttr(f.ruleId)}"/>`,
      );
    }
    out.push('  </file>');
  }
  out.push('</checkstyle>');
  return out.join('\n') + '\n';
}
