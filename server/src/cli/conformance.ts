// `dockerfile-trust conformance verify-bundle …`: the Sigstore client conformance protocol (exit 0 = verified, non-zero = rejected).
import { readFileSync } from 'node:fs';
import { parseTrustedRoot, verifyBundle, type Artifact, type Expectation } from '../trust/cosign/bundleVerify';
import { loadTrustedRoot } from '../trust/cosign/trustRoot';
import { NOTATION_USAGE, runNotationVerify } from './notationConformance';

const USAGE = `usage:
  dockerfile-trust conformance verify-bundle --bundle FILE --certificate-identity ID --certificate-oidc-issuer URL [--trusted-root FILE] FILE_OR_DIGEST
  dockerfile-trust conformance verify-bundle --bundle FILE --key KEY.pub [--trusted-root FILE] FILE_OR_DIGEST`;

/** Bundles and artifacts given to the conformance entry are local files; cap them anyway. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const VALUE_FLAGS = new Set(['--bundle', '--certificate-identity', '--certificate-oidc-issuer', '--trusted-root', '--key']);

interface Args {
  readonly flags: Map<string, string>;
  readonly staging: boolean;
  readonly positional: string[];
}

function parseArgs(argv: readonly string[]): Args | string {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  let staging = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--staging') {
      staging = true;
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 && a.startsWith('--') ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) return `${name} needs a value`;
      if (flags.has(name)) return `${name} given twice`;
      flags.set(name, value);
      continue;
    }
    if (a.startsWith('--')) return `unknown option ${a}`;
    positional.push(a);
  }
  return { flags, staging, positional };
}

function readCapped(path: string, what: string): Buffer | string {
  try {
    const b = readFileSync(path);
    if (b.length > MAX_FILE_BYTES) return `${what} ${path} is larger than ${MAX_FILE_BYTES} bytes`;
    return b;
  } catch (e) {
    return `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
}

/** Runs `conformance <subcommand> …`; returns the process exit code. Writes a one-line verdict to stdout, reasons to stderr. */
export async function runConformance(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'notation-verify') return runNotationVerify(rest);
  if (sub !== 'verify-bundle') {
    process.stderr.write(`${sub === undefined ? 'missing subcommand' : `unknown subcommand "${sub}"`}\n${USAGE}\n${NOTATION_USAGE}\n`);
    return 2;
  }
  const args = parseArgs(rest);
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n${USAGE}\n`);
    return 2;
  }
  const fail = (msg: string, code = 1): number => {
    process.stderr.write(`verification failed: ${msg}\n`);
    return code;
  };
  const bundlePath = args.flags.get('--bundle');
  if (!bundlePath) return fail(`--bundle is required\n${USAGE}`, 2);
  if (args.positional.length !== 1) return fail(`expected exactly one FILE_OR_DIGEST, got ${args.positional.length}\n${USAGE}`, 2);
  const keyPath = args.flags.get('--key');
  const identity = args.flags.get('--certificate-identity');
  const issuer = args.flags.get('--certificate-oidc-issuer');
  let expect: Expectation;
  if (keyPath) {
    if (identity || issuer) return fail('--key cannot be combined with --certificate-identity/--certificate-oidc-issuer', 2);
    const pem = readCapped(keyPath, 'key');
    if (typeof pem === 'string') return fail(pem);
    expect = { kind: 'key', publicKeyPem: pem.toString('utf8') };
  } else {
    if (!identity || !issuer) return fail(`keyless verification needs --certificate-identity and --certificate-oidc-issuer\n${USAGE}`, 2);
    expect = { kind: 'keyless', identity: { exact: identity }, issuer };
  }
  if (args.staging && !args.flags.get('--trusted-root')) {
    // The staging root is only distributed online through its TUF repository; this entry is offline by design.
    return fail('--staging needs --trusted-root (the staging trusted root is not embedded)');
  }

  const target = args.positional[0] as string;
  let artifact: Artifact;
  const dm = /^sha256:([0-9a-f]{64})$/.exec(target);
  if (dm) {
    artifact = { digest: { algorithm: 'sha256', hex: dm[1] as string } };
  } else {
    const bytes = readCapped(target, 'artifact');
    if (typeof bytes === 'string') return fail(bytes);
    artifact = { bytes };
  }

  const rootPath = args.flags.get('--trusted-root');
  let root;
  if (rootPath) {
    const raw = readCapped(rootPath, 'trusted root');
    if (typeof raw === 'string') return fail(raw);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(`trusted root ${rootPath} is not JSON`);
    }
    const r = parseTrustedRoot(json);
    if (!r.ok) return fail(r.reason);
    root = r.root;
  } else {
    const r = await loadTrustedRoot({ offline: true });
    if (!r.ok) return fail(r.reason);
    root = r.root;
  }

  const rawBundle = readCapped(bundlePath, 'bundle');
  if (typeof rawBundle === 'string') return fail(rawBundle);
  let bundleJson: unknown;
  try {
    bundleJson = JSON.parse(rawBundle.toString('utf8'));
  } catch {
    return fail(`bundle ${bundlePath} is not JSON`);
  }
  const result = verifyBundle(bundleJson, artifact, expect, root);
  if (!result.ok) return fail(result.reason);
  const who = result.identity ? `${result.identity} (issuer ${result.issuer ?? '?'})` : `key sha256:${result.keyFingerprint}`;
  process.stdout.write(`verified: signed by ${who}${result.tlogIntegratedTime ? `, logged at ${result.tlogIntegratedTime}` : ''}\n`);
  return 0;
}
