// `dockerfile-trust github-action`: the entry point of action.yml. Reads the action's inputs (INPUT_*), runs the
// check once, and writes the SARIF report, the Markdown job summary ($GITHUB_STEP_SUMMARY), annotations
// (workflow commands) and the step outputs ($GITHUB_OUTPUT). The exit code is the check's: 0, 1 or 2.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEVERITY_ORDER } from '../core/types';
import type { FileResult, RunInfo } from './format';
import { formatSarif } from './format';
import { formatGithub } from './formats/github';
import { formatSummary } from './formats/summary';
import type { Io } from './io';

const truthy = (v: string | undefined, dflt: boolean): boolean => (v === undefined || v.trim() === '' ? dflt : /^(true|yes|1|on)$/i.test(v.trim()));

/** Splits the paths input on white space and new lines (quotes are not needed: globs have no spaces). */
export function splitPaths(raw: string): string[] {
  return raw.split(/\s+/).filter((s) => s !== '');
}

export async function runAction(env: Readonly<Record<string, string | undefined>>, io: Io, check: (argv: readonly string[], io: Io) => Promise<number>): Promise<number> {
  const input = (name: string): string => (env[`INPUT_${name}`] ?? '').trim();
  const paths = splitPaths(input('PATHS'));
  if (paths.length === 0) paths.push('**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,Dockerfile.*,Containerfile.*}');
  const argv = ['check', '--format', input('FORMAT') || 'text', '--severity', input('SEVERITY') || 'warning'];
  if (input('POLICY') !== '') argv.push('--policy', input('POLICY'));
  if (truthy(env['INPUT_NETWORK'], false)) argv.push('--network');
  if (input('CONFIG') !== '') argv.push('--config', input('CONFIG'));
  argv.push('--', ...paths);

  let captured: { results: readonly FileResult[]; info: RunInfo } | undefined;
  const code = await check(argv, { ...io, isTTY: false, onResults: (results, info) => (captured = { results, info }) });
  if (captured === undefined) return code; // a usage error: the message is already on stderr

  const { results, info } = captured;
  const outputs: Record<string, string> = {};
  const sarifFile = input('SARIF_FILE');
  if (sarifFile !== '') {
    const abs = path.resolve(io.cwd, sarifFile);
    try {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, formatSarif(results, info));
      outputs['sarif-file'] = sarifFile;
    } catch (err) {
      io.stderr(`::error title=dockerfile-trust::cannot write the SARIF report ${sarifFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`);
      return 2;
    }
  }
  if (truthy(env['INPUT_ANNOTATIONS'], true)) io.stdout(formatGithub(results, info));
  const summaryFile = env['GITHUB_STEP_SUMMARY'];
  if (truthy(env['INPUT_SUMMARY'], true) && summaryFile !== undefined && summaryFile !== '') {
    try {
      fs.appendFileSync(summaryFile, formatSummary(results, info));
    } catch (err) {
      io.stderr(`dockerfile-trust: cannot write the job summary (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`);
    }
  }
  const all = results.flatMap((r) => r.findings);
  outputs['findings'] = String(all.length);
  outputs['failing'] = String(all.filter((f) => SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[info.threshold]).length);
  const outputFile = env['GITHUB_OUTPUT'];
  if (outputFile !== undefined && outputFile !== '') {
    try {
      // Values are single-line (numbers and the path given as input), so the name=value form is safe.
      fs.appendFileSync(outputFile, Object.entries(outputs).map(([k, v]) => `${k}=${v.replace(/[\r\n]/g, ' ')}\n`).join(''));
    } catch (err) {
      io.stderr(`dockerfile-trust: cannot write the step outputs (${(err as NodeJS.ErrnoException).code ?? 'error'})\n`);
    }
  }
  return code;
}
