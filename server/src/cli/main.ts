// The dockerfile-trust command line: the same engine as the language server, for CI.
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES } from '../core/rules';
import { SEVERITY_ORDER, type Severity } from '../core/types';
import { normalizeHost, normalizeSettings } from '../protocol';
import * as os from 'node:os';
import { compose, type Composed } from '../compose';
import { printable } from '../core/text';
import { expandArgs, readInput, type InputFile } from './files';
import { checkFile } from './checkFile';
import { inOrder } from './ordered';
import { SegmentCache } from '../core/parse';
import { runAction } from './action';
import type { Io } from './io';

export type { Io };
import type { FileResult } from './format';
import { FORMATS, isFormat, render } from './formats';
import { projectSettings } from './projectSettings';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

const USAGE = `Usage: dockerfile-trust check [options] <path or glob>...
       dockerfile-trust conformance verify-bundle ...   (Sigstore conformance protocol)
       dockerfile-trust github-action                   (entry point of action.yml; reads INPUT_*)
       dockerfile-trust conformance notation-verify ... (Notation signature envelopes)

Checks Dockerfiles for unpinned and unsigned base images and unverified downloads.

Options:
  --format FORMAT            text | json | sarif | github (workflow commands) |
                             gitlab (Code Quality JSON) | checkstyle (default: text)
  --severity LEVEL           fail (exit 1) on findings at or above LEVEL:
                             error | warning | information | hint (default: warning)
  --build-arg KEY=VALUE      value for an ARG when resolving image references (repeatable)
  --platform OS/ARCH         target platform for TARGET*/BUILD* ARGs (default: linux/amd64)
  --rule ID=LEVEL            severity for one rule, or "off" (repeatable)
  --config FILE              project config to use for every file (default: the nearest
                             .dockerfile-trust.yaml above each file; see docs/project-config.md)
  --no-config                ignore project configs

Registry and trust (off unless --network, --policy or --offline is given):
  --network                  look up digests in registries and check signatures
  --policy FILE              signature policy (docs/policy.md); implies --network
  --notary-server REG=URL    Notary server for a registry host (repeatable)
  --insecure-registry HOST   allow plain http for this registry host (repeatable)
  --ca HOST=PEMFILE          extra CA certificate for a registry host (repeatable)
  --notation-dir DIR         notation's configuration directory: its trustpolicy.oci.json and
                             truststore/ (default: notation's own, $XDG_CONFIG_HOME/notation)
  --offline                  answer from the cache only (implies --network)
  --cache-dir DIR            registry cache, Notary roots and Sigstore TUF cache
                             (default: $XDG_CACHE_HOME/dockerfile-trust)
  --fix                      write the fixes into the files (pins use signed
                             digests, or registry digests when no trust source applies);
                             with --network also ADD --checksum and the download and
                             clone pins, each fetched once over https and printed
  --diff                     with --fix: print the fixes as a unified diff, write nothing
  --no-color                 plain text output
  -h, --help                 this help
  -v, --version              print the version

Exit codes: 0 no findings at or above the threshold, 1 findings at or above it, 2 usage or I/O error.
`;


/** Files checked at once when lookups are on (the registry and trust services keep their own request limits). */
const FILES_IN_FLIGHT = 16;

const SEVERITY_NAMES: Record<string, Severity> = { error: 'error', warning: 'warning', information: 'information', info: 'information', hint: 'hint', note: 'information' };

function usageError(io: Io, message: string): number {
  io.stderr(`dockerfile-trust: ${message}\nRun 'dockerfile-trust --help' for usage.\n`);
  return 2;
}

function cacheDir(flag: string | undefined, io: Io): string {
  if (flag !== undefined) return path.resolve(io.cwd, flag);
  return path.join(process.env['XDG_CACHE_HOME'] ?? path.join(os.homedir(), '.cache'), 'dockerfile-trust');
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
  // Loaded on demand: the conformance entries pull in the Sigstore and Notation verifiers, which `check` does not need at start.
  if (command === 'conformance') return (await import('./conformance')).runConformance(rest);
  if (command === 'github-action') return runAction(process.env, { ...io, cwd: process.env['GITHUB_WORKSPACE'] || io.cwd }, main);
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
        network: { type: 'boolean', default: false },
        policy: { type: 'string' },
        'notary-server': { type: 'string', multiple: true, default: [] },
        'insecure-registry': { type: 'string', multiple: true, default: [] },
        ca: { type: 'string', multiple: true, default: [] },
        offline: { type: 'boolean', default: false },
        'notation-dir': { type: 'string' },
        'cache-dir': { type: 'string' },
        fix: { type: 'boolean', default: false },
        diff: { type: 'boolean', default: false },
        config: { type: 'string' },
        'no-config': { type: 'boolean', default: false },
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
  if (!isFormat(format)) return usageError(io, `--format must be one of ${FORMATS.join(', ')} (got "${format}")`);
  if (v.diff === true && v.fix !== true) return usageError(io, '--diff shows the fixes of --fix: use --fix --diff');
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
  const pairs = (name: 'notary-server' | 'ca'): Record<string, string> | string => {
    const out: Record<string, string> = {};
    for (const x of v[name] as string[]) {
      const eq = x.indexOf('=');
      if (eq <= 0) return `--${name} needs KEY=VALUE (got "${x}")`;
      out[x.slice(0, eq)] = x.slice(eq + 1);
    }
    return out;
  };
  const notaryServers = pairs('notary-server');
  if (typeof notaryServers === 'string') return usageError(io, notaryServers);
  const cas = pairs('ca');
  if (typeof cas === 'string') return usageError(io, cas);
  const registries: Record<string, { insecureHttp?: boolean; caFile?: string }> = {};
  for (const h of v['insecure-registry'] as string[]) registries[h] = { ...registries[h], insecureHttp: true };
  for (const [h, f] of Object.entries(cas)) registries[h] = { ...registries[h], caFile: path.resolve(io.cwd, f) };
  const policyFile = v.policy !== undefined ? path.resolve(io.cwd, v.policy as string) : undefined;
  const settings = normalizeSettings({
    buildArgs,
    rules,
    registries,
    notary: { servers: notaryServers },
    ...(v['notation-dir'] !== undefined ? { notation: { configDir: path.resolve(io.cwd, v['notation-dir'] as string) } } : {}),
    network: { mode: v.offline === true ? 'cacheOnly' : 'on' },
    ...(policyFile !== undefined ? { trust: { policyFile } } : {}),
    ...(v.platform !== undefined ? { platform: v.platform } : {}),
  });
  for (const [h, u] of Object.entries(notaryServers)) {
    const key = normalizeHost(h);
    if (key === null || settings.machine.notaryServers[key] === undefined) return usageError(io, `--notary-server ${h}=${u}: needs a registry host and an http(s) URL`);
  }
  const network = v.network === true || v.offline === true || policyFile !== undefined;
  if (v.platform !== undefined && settings.analysis.platform !== v.platform) return usageError(io, `--platform must look like linux/amd64 (got "${v.platform as string}")`);

  if (parsed.positionals.length === 0) return usageError(io, 'no Dockerfiles given (for example: dockerfile-trust check Dockerfile)');
  const { paths, unmatched } = expandArgs(parsed.positionals, io.cwd);
  let ioError = false;
  for (const u of unmatched) {
    io.stderr(`dockerfile-trust: ${printable(u)}: no files match this pattern\n`);
    ioError = true;
  }

  // Config errors go to the output of the file that first meets the config (so they stay in file order).
  let configOut = io.stderr;
  const project = projectSettings(settings.analysis, io.cwd, (s) => configOut(s), v.config as string | undefined, v['no-config'] !== true);
  const results: FileResult[] = [];
  const inputs: InputFile[] = [];
  for (const p of paths) {
    const read = readInput(p, io.cwd);
    if (!read.ok) {
      if (read.fatal) {
        ioError = true;
        io.stderr(`dockerfile-trust: ${printable(read.path)}: ${printable(read.message)}\n`);
        results.push({ path: read.path, findings: [], error: read.message });
      } else {
        results.push({ path: read.path, findings: [], note: read.message });
      }
      continue;
    }
    inputs.push(read.file);
  }

  let composed: Composed | undefined;
  if (network) {
    // Log lines quote registries and trust servers: printable, so they cannot drive the terminal.
    composed = await compose({ settings: settings.machine, storageDir: cacheDir(v['cache-dir'] as string | undefined, io), env: process.env, log: (m) => io.stderr(`dockerfile-trust: ${printable(m)}\n`) });
    if (composed.problems.length > 0) ioError = true;
  }
  // Identical instructions across the files (a monorepo's templates) are parsed once.
  const parses = new SegmentCache();
  try {
    // With lookups, files wait on the network: several in flight keep the lookup services busy (they bound their own
    // requests). Without, checking is pure CPU on one thread, and one file at a time is as fast.
    const checked = await inOrder(
      inputs,
      composed !== undefined ? FILES_IN_FLIGHT : 1,
      { stdout: io.stdout, stderr: io.stderr },
      async (file, _i, out) => {
        let fileSettings;
        configOut = out.stderr;
        try {
          fileSettings = project.forFile(file.path);
        } finally {
          configOut = io.stderr;
        }
        if (fileSettings === null) return { result: { path: file.path, findings: [], error: 'project config is invalid (see above)' }, ioError: false };
        return checkFile(file, { settings: fileSettings, ...(composed !== undefined ? { composed } : {}), fix: v.fix === true, diff: v.diff === true, cwd: io.cwd, out: out.stdout, warn: (m) => out.stderr(`dockerfile-trust: ${m}\n`), parses });
      },
      (file, err, out) => {
        // One file's failure is reported for that file; the others keep their findings.
        const message = `internal error while checking this file: ${err instanceof Error ? err.message : String(err)}`;
        out.stderr(`dockerfile-trust: ${printable(file.path)}: ${printable(message)}\n`);
        return { result: { path: file.path, findings: [], error: message }, ioError: true };
      },
    );
    for (const c of checked) {
      results.push(c.result);
      if (c.ioError) ioError = true;
    }
  } finally {
    await composed?.close();
  }

  const info = { version: VERSION, rules: RULES, threshold, rootUri: pathToFileURL(io.cwd + path.sep).toString() };
  io.onResults?.(results, info);
  // With --diff, stdout is the patch alone (pipe it to git apply); the findings go nowhere else.
  if (v.diff !== true) io.stdout(render(format, results, info, io.isTTY && v['no-color'] !== true && process.env['NO_COLOR'] === undefined));

  if (ioError || project.failed) return 2;
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
