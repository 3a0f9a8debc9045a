// Renders CLI results as text, JSON or SARIF 2.1.0.
import type { ProvenanceSummary } from '../core/describeAttestations';
import type { Rule } from '../core/rule';
import type { Finding, Severity } from '../core/types';
import { printable } from '../core/text';

export interface FileResult {
  readonly path: string;
  readonly findings: readonly Finding[];
  /** A per-file note (e.g. empty file) or error message. */
  readonly note?: string;
  readonly error?: string;
  /** What the registry and trust sources said about each image (with --network). */
  readonly images?: readonly ImageResult[];
}

/** What is known about one image: the signature verdict (`verified`), and its provenance and scans (never part of `verified`). */
export interface ImageResult {
  readonly reference: string;
  readonly headline: string;
  readonly lines: readonly string[];
  readonly verified: boolean;
  readonly provenance?: ProvenanceSummary;
}

export interface RunInfo {
  readonly version: string;
  readonly rules: readonly Rule[];
  readonly threshold: Severity;
  /** file:// URI of the directory paths are relative to, with a trailing slash. */
  readonly rootUri: string;
}

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

function counts(results: readonly FileResult[]): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const r of results) for (const f of r.findings) c[f.severity]++;
  return c;
}

export function formatText(results: readonly FileResult[], color: boolean): string {
  const paint = (code: string, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sevColor: Record<Severity, string> = { error: '31', warning: '33', information: '36', hint: '2' };
  const out: string[] = [];
  for (const r of results) {
    // Errors were already reported on stderr.
    if (r.error !== undefined) continue;
    // File names, messages and trust text come from repositories and servers: nothing they carry may drive the terminal.
    if (r.note !== undefined) out.push(`${paint('1', printable(r.path))}: ${printable(r.note)}`);
    if (r.findings.length === 0 && (r.images ?? []).length === 0) continue;
    out.push(paint('4', printable(r.path)));
    for (const img of r.images ?? []) {
      out.push(`  ${paint(img.verified ? '32' : '2', img.verified ? '✓' : '·')} ${printable(img.reference)}: ${printable(img.headline)}`);
      for (const l of img.lines) out.push(`      ${paint('2', printable(l))}`);
    }
    for (const f of r.findings) {
      const pos = `${f.range.start.line + 1}:${f.range.start.character + 1}`;
      out.push(`  ${pos.padEnd(8)}${paint(sevColor[f.severity], f.severity.padEnd(12))}${f.code.padEnd(7)}${printable(f.message)}  ${paint('2', f.ruleId)}`);
    }
    out.push('');
  }
  const c = counts(results);
  const total = c.error + c.warning + c.information + c.hint;
  const files = results.filter((r) => r.error === undefined).length;
  out.push(
    total === 0
      ? `${files} file${files === 1 ? '' : 's'} checked, no problems`
      : `${total} problem${total === 1 ? '' : 's'} (${c.error} error${c.error === 1 ? '' : 's'}, ${c.warning} warning${c.warning === 1 ? '' : 's'}, ${c.information + c.hint} info) in ${files} file${files === 1 ? '' : 's'}`,
  );
  return out.join('\n') + '\n';
}

export function formatJson(results: readonly FileResult[], info: RunInfo): string {
  const c = counts(results);
  return (
    JSON.stringify(
      {
        tool: 'dockerfile-trust',
        version: info.version,
        threshold: info.threshold,
        files: results.map((r) => ({
          path: r.path,
          ...(r.error !== undefined ? { error: r.error } : {}),
          ...(r.note !== undefined ? { note: r.note } : {}),
          ...(r.images !== undefined ? { images: r.images } : {}),
          findings: r.findings.map((f) => ({
            ruleId: f.ruleId,
            code: f.code,
            severity: f.severity,
            message: f.message,
            line: f.range.start.line + 1,
            column: f.range.start.character + 1,
            endLine: f.range.end.line + 1,
            endColumn: f.range.end.character + 1,
            ...(f.fixes !== undefined && f.fixes.length > 0 ? { fixes: f.fixes.map((x) => ({ title: x.title, safe: x.safe })) } : {}),
          })),
        })),
        summary: c,
      },
      null,
      2,
    ) + '\n'
  );
}

function toUri(p: string): string {
  return p
    .split(/[\\/]/)
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export function formatSarif(results: readonly FileResult[], info: RunInfo): string {
  const index = new Map(info.rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dockerfile-trust',
            version: info.version,
            semanticVersion: info.version,
            rules: info.rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d: string, ch: string) => ch.toUpperCase()),
              shortDescription: { text: r.description },
              fullDescription: { text: `${r.description} (${r.code}, category ${r.category}).` },
              defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
              help: { text: `See docs/rules/${r.id}.md`, markdown: `See [docs/rules/${r.id}.md](docs/rules/${r.id}.md)` },
              properties: { code: r.code, category: r.category, fix: r.fix, tags: ['security', 'supply-chain', r.category] },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: info.rootUri } },
        // The same facts as the JSON output: per file and image, the signature verdict and the provenance (a property bag).
        ...(results.some((r) => (r.images ?? []).length > 0)
          ? { properties: { images: results.flatMap((r) => (r.images ?? []).map((img) => ({ file: r.path, reference: img.reference, signature: { verified: img.verified, headline: img.headline }, ...(img.provenance !== undefined ? { provenance: img.provenance } : {}) }))) } }
          : {}),
        artifacts: results.filter((r) => r.error === undefined).map((r) => ({ location: { uri: toUri(r.path), uriBaseId: '%SRCROOT%' } })),
        invocations: [
          {
            executionSuccessful: results.every((r) => r.error === undefined),
            toolExecutionNotifications: results
              .filter((r) => r.error !== undefined || r.note !== undefined)
              .map((r) => ({
                level: r.error !== undefined ? 'error' : 'note',
                message: { text: `${r.path}: ${r.error ?? r.note}` },
              })),
          },
        ],
        results: results.flatMap((r) =>
          r.findings.map((f) => ({
            ruleId: f.ruleId,
            ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
            level: LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: toUri(r.path), uriBaseId: '%SRCROOT%' },
                  region: {
                    startLine: f.range.start.line + 1,
                    startColumn: f.range.start.character + 1,
                    endLine: f.range.end.line + 1,
                    endColumn: f.range.end.character + 1,
                  },
                },
              },
            ],
            partialFingerprints: { 'ruleLine/v1': `${f.ruleId}:${f.range.start.line + 1}` },
          })),
        ),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
