// Converts core findings to LSP diagnostics and back (the only place that knows both shapes).
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { rangeKey, type Finding, type Range, type Severity } from '../core/types';
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';

const SEVERITY: Readonly<Record<Severity, DiagnosticSeverity>> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const SOURCE = 'dockerfile-trust';

/** Where the rule docs are: shipped beside the bundle (dist/../docs/rules). */
export function docsUrl(ruleId: string, docsRoot: string): string {
  return pathToFileURL(path.join(docsRoot, `${ruleId}.md`)).toString();
}

/**
 * A diagnostic carries no `data`: every byte of it is serialised, sent and decoded on each keystroke for
 * every finding of the file. Code actions find the finding again by code and range in the document's
 * latest analysis (findingKey), the way a diagnostic is matched to its fixes in other servers.
 */
export function toDiagnostic(f: Finding, docsRoot: string): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: docsUrl(f.ruleId, docsRoot) },
    source: SOURCE,
    message: f.message,
  };
}

/** What identifies a finding among a document's diagnostics: its code and range. */
export function findingKey(code: unknown, range: Range): string {
  return `${String(code)}@${rangeKey(range)}`;
}
