// The dockerfile-trust command line: the same engine as the language server, for CI.
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze } from '../core/analyze';
import { RULES } from '../core/rules';
import { SEVERITY_ORDER, type Severity } from '../core/types';
import { normalizeSettings } from '../protocol';
import { expandArgs, readInput } from './files';
import { formatJson, formatSarif, formatText, type FileResult } from './format';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

const USAGE = `Usage: dockerfile-trust check [options] <path or glob>...

Checks Dockerfiles for unpinned and unsigned base images and unverified downloads.

Options:
  --format text|json|sarif   output format (default: text)
  --severity LEVEL           fail (exit 1) on findings at or above LEVEL:
                             error | warning | information | hint (default: warning)
  --build-arg KEY=VALUE      value for an ARG when resolving image references (repeatable)
  --platform OS/ARCH         target platform for TARGET*/BUILD* ARGs (default: linux/amd64)
  --rule ID=LEVEL            severity for one rule, or "off" (repeatable)
  --no-color                 plain text output
  -h, --help                 this help
  -v, --version              print the version

Exit codes: 0 no findings at or above the threshold, 1 findings at or above it, 2 usage or I/O error.
`;

export interface Io {
  readonly cwd: string;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly isTTY: boolean;
}

const SEVERITY_NAMES: Record<string, Severity> = { error: 'error', warning: 'warning', information: 'information', info: 'information', hint: 'hint', note: 'information' };

function usageError(io: Io, message: string): number {
  io.stderr(`dockerfile-trust: ${message}\nRun 'dockerfile-trust --help' for usage.\n`);
  return 2;
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.stdout(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '-v' || command === '--version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (command !== 'check') return usageError(io, `unknown command "${command}"`);

  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        severity: { type: 'string', default: 'warning' },
        'build-arg': { type: 'string', multiple: true, default: [] },
        platform: { type: 'string' },
        rule: { type: 'string', multiple: true, default: [] },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return usageError(io, err instanceof Error ? err.message.replace(/\. To specify a positional.*$/s, '') : String(err));
  }
  const v = parsed.values;
  if (v.help === true) {
    io.stdout(USAGE);
    return 0;
  }
  const format = v.format as string;
  if (!['text', 'json', 'sarif'].includes(format)) return usageError(io, `--format must be text, json or sarif (got "${format}")`);
  const threshold = SEVERITY_NAMES[(v.severity as string).toLowerCase()];
  if (threshold === undefined) return usageError(io, `--severity must be error, warning, information or hint (got "${v.severity as string}")`);

  const buildArgs: Record<string, string> = {};
  for (const ba of v['build-arg'] as string[]) {
    const eq = ba.indexOf('=');
    if (eq <= 0) return usageError(io, `--build-arg needs KEY=VALUE (got "${ba}")`);
    buildArgs[ba.slice(0, eq)] = ba.slice(eq + 1);
  }
  const rules: Record<string, string> = {};
  for (const r of v.rule as string[]) {
    const eq = r.indexOf('=');
    const id = r.slice(0, eq);
    if (eq <= 0 || !RULES.some((x) => x.id === id)) return usageError(io, `--rule needs <rule-id>=<level|off> with a known rule id (got "${r}")`);
    rules[id] = r.slice(eq + 1);
  }
  const settings = normalizeSettings({ buildArgs, rules, ...(v.platform !== undefined ? { platform: v.platform } : {}) });
  if (v.platform !== undefined && settings.platform !== v.platform) return usageError(io, `--platform must look like linux/amd64 (got "${v.platform as string}")`);

  if (parsed.positionals.length === 0) return usageError(io, 'no Dockerfiles given (for example: dockerfile-trust check Dockerfile)');
  const { paths, unmatched } = expandArgs(parsed.positionals, io.cwd);
  let ioError = false;
  for (const u of unmatched) {
    io.stderr(`dockerfile-trust: ${u}: no files match this pattern\n`);
    ioError = true;
  }

  const results: FileResult[] = [];
  for (const p of paths) {
    const read = readInput(p, io.cwd);
    if (!read.ok) {
      if (read.fatal) {
        ioError = true;
        io.stderr(`dockerfile-trust: ${read.path}: ${read.message}\n`);
        results.push({ path: read.path, findings: [], error: read.message });
      } else {
        results.push({ path: read.path, findings: [], note: read.message });
      }
      continue;
    }
    const { findings } = analyze(read.file.text, { buildArgs: settings.buildArgs, platform: settings.platform, severities: settings.rules });
    results.push({ path: read.file.path, findings });
  }

  const info = { version: VERSION, rules: RULES, threshold, rootUri: pathToFileURL(io.cwd + path.sep).toString() };
  if (format === 'json') io.stdout(formatJson(results, info));
  else if (format === 'sarif') io.stdout(formatSarif(results, info));
  else io.stdout(formatText(results, io.isTTY && v['no-color'] !== true && process.env['NO_COLOR'] === undefined));

  if (ioError) return 2;
  const failing = results.some((r) => r.findings.some((f) => SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[threshold]));
  return failing ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: process.stdout.isTTY === true,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`dockerfile-trust: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
