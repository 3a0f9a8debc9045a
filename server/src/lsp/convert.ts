// Converts core findings to LSP diagnostics and back (the only place that knows both shapes).
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding, Severity } from '../core/types';
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
 * What a code action needs from a diagnostic, and nothing more: the message and range are already on the
 * diagnostic, and every byte here is serialised on each keystroke.
 */
export interface DiagnosticData {
  readonly ruleId: string;
  readonly data?: Finding['data'];
  readonly fixes?: Finding['fixes'];
}

export function toDiagnostic(f: Finding, docsRoot: string): Diagnostic {
  const data: DiagnosticData = { ruleId: f.ruleId, ...(f.data !== undefined ? { data: f.data } : {}), ...(f.fixes !== undefined ? { fixes: f.fixes } : {}) };
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: docsUrl(f.ruleId, docsRoot) },
    source: SOURCE,
    message: f.message,
    data,
  };
}

export function isDiagnosticData(x: unknown): x is DiagnosticData {
  return x !== null && typeof x === 'object' && typeof (x as DiagnosticData).ruleId === 'string';
}
