// The project configuration committed beside the Dockerfiles (`.dockerfile-trust.yaml`): rule severities,
// ignored rules, build args and allowed registries. It is read by the CLI and the editor alike. Trust settings
// (policy, Notary servers, registries, CA files, credentials, offline) are machine-scoped and are never read
// from it: a repository cannot loosen what the machine's owner decided.
import type { AnalysisSettings, SeveritySetting } from '../protocol';
import { RULES } from '../core/rules';

export const CONFIG_FILE_NAMES = ['.dockerfile-trust.yaml', '.dockerfile-trust.yml'] as const;
/** A project config is a few lines; anything bigger is a mistake or hostile. */
export const MAX_CONFIG_BYTES = 64 * 1024;

export interface ProjectConfig {
  /** Where it was read from. */
  readonly path: string;
  /** Severity per rule id; `ignore:` entries are 'off'. */
  readonly rules: Readonly<Record<string, SeveritySetting>>;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** null when the file does not set it. */
  readonly allowedRegistries: readonly string[] | null;
  /** Keys that were ignored, with why (machine-scoped settings): shown as warnings, never fatal. */
  readonly warnings: readonly string[];
}

export type ParseResult = { readonly ok: true; readonly config: ProjectConfig } | { readonly ok: false; readonly errors: readonly string[] };

/** Keys a project file may not set, and where they belong instead. */
const MACHINE_SCOPED: Readonly<Record<string, string>> = {
  policy: 'the signature policy',
  policyFile: 'the signature policy',
  trust: 'trust settings',
  trustedKeys: 'trust settings',
  notary: 'Notary settings',
  notaryServers: 'Notary servers',
  registries: 'registry transport settings',
  insecureRegistries: 'insecure registries',
  ca: 'CA certificates',
  caFiles: 'CA certificates',
  credentials: 'credentials',
  credHelpers: 'credential helpers',
  auths: 'credentials',
  proxy: 'proxy settings',
  offline: 'offline mode',
  network: 'network access',
  cache: 'cache settings',
  cacheDir: 'cache settings',
};
const KNOWN = new Set(['rules', 'ignore', 'ignored', 'buildArgs', 'allowedRegistries', 'trustedRegistries']);
const SEVERITY: Readonly<Record<string, SeveritySetting>> = {
  error: 'error',
  warning: 'warning',
  information: 'information',
  info: 'information',
  hint: 'hint',
  off: 'off',
  none: 'off',
};
const BY_CODE = new Map(RULES.map((r) => [r.code.toLowerCase(), r.id]));
const BY_ID = new Set(RULES.map((r) => r.id));

function ruleId(key: string): string | null {
  const k = key.trim().toLowerCase();
  return BY_ID.has(k) ? k : (BY_CODE.get(k) ?? null);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Validates an already-parsed document (the YAML layer is in parseProjectConfig). Never throws. */
export function validateProjectConfig(doc: unknown, path: string): ParseResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const rules: Record<string, SeveritySetting> = {};
  const buildArgs: Record<string, string> = {};
  let allowedRegistries: string[] | null = null;
  if (doc === null || doc === undefined) return { ok: true, config: { path, rules, buildArgs, allowedRegistries, warnings } };
  if (!isRecord(doc)) return { ok: false, errors: [`${path}: expected a mapping of settings (rules, ignore, buildArgs, allowedRegistries)`] };
  for (const [key, value] of Object.entries(doc)) {
    if (MACHINE_SCOPED[key] !== undefined) {
      warnings.push(`${path}: "${key}" is ignored: ${MACHINE_SCOPED[key]} are machine-scoped (editor user settings or CLI flags), so a repository cannot change them`);
      continue;
    }
    if (!KNOWN.has(key)) {
      errors.push(`${path}: unknown setting "${key}" (known: rules, ignore, buildArgs, allowedRegistries)`);
      continue;
    }
    if (key === 'rules') {
      if (!isRecord(value)) {
        errors.push(`${path}: "rules" must map rule ids or codes to error, warning, information, hint or off`);
        continue;
      }
      for (const [k, v] of Object.entries(value)) {
        const id = ruleId(k);
        const sev = typeof v === 'string' ? SEVERITY[v.trim().toLowerCase()] : v === false ? 'off' : undefined;
        if (id === null) errors.push(`${path}: rules: unknown rule "${k}"`);
        else if (sev === undefined) errors.push(`${path}: rules: ${k}: "${String(v)}" is not error, warning, information, hint or off`);
        else rules[id] = sev;
      }
    } else if (key === 'ignore' || key === 'ignored') {
      if (!Array.isArray(value)) {
        errors.push(`${path}: "${key}" must be a list of rule ids or codes`);
        continue;
      }
      for (const v of value) {
        const id = typeof v === 'string' ? ruleId(v) : null;
        if (id === null) errors.push(`${path}: ${key}: unknown rule "${String(v)}"`);
        else rules[id] = 'off';
      }
    } else if (key === 'buildArgs') {
      if (!isRecord(value)) {
        errors.push(`${path}: "buildArgs" must map ARG names to values`);
        continue;
      }
      for (const [k, v] of Object.entries(value)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) errors.push(`${path}: buildArgs: "${k}" is not an ARG name`);
        else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') buildArgs[k] = String(v);
        else errors.push(`${path}: buildArgs: ${k} must be a string`);
      }
    } else {
      // allowedRegistries (trustedRegistries: hadolint's name for the same list).
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '')) {
        errors.push(`${path}: "${key}" must be a list of registry hosts, e.g. [registry.example.com, docker.io]`);
        continue;
      }
      allowedRegistries = [...(allowedRegistries ?? []), ...value.map((v: string) => v.trim().toLowerCase())];
    }
  }
  // Lists and maps must never carry prototype keys into settings objects.
  for (const k of ['__proto__', 'constructor', 'prototype']) {
    delete rules[k];
    delete buildArgs[k];
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config: { path, rules, buildArgs, allowedRegistries, warnings } };
}

/** Parses the YAML text of a project config. Never throws. */
export function parseProjectConfig(text: string, path: string): ParseResult {
  if (text.length > MAX_CONFIG_BYTES) return { ok: false, errors: [`${path}: larger than ${MAX_CONFIG_BYTES} bytes`] };
  // Loaded on first use: most runs (and the editor's first diagnostics) have no project file.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require('yaml') as typeof import('yaml');
  let doc: unknown;
  try {
    const parsed = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true, schema: 'core' });
    if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors.map((e) => `${path}: ${e.message.split('\n')[0]}`) };
    doc = parsed.toJS({ maxAliasCount: 50 });
  } catch (err) {
    return { ok: false, errors: [`${path}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`] };
  }
  return validateProjectConfig(doc, path);
}

/**
 * Analysis settings with the project config applied: the file sets defaults for its tree, and what the person
 * set explicitly (editor settings, CLI flags) wins key by key. It takes and returns AnalysisSettings: machine
 * settings (trust, registries, credentials) are out of its reach by type.
 */
export function withProjectConfig(settings: AnalysisSettings, config: ProjectConfig | null): AnalysisSettings {
  if (config === null) return settings;
  return {
    ...settings,
    rules: { ...config.rules, ...settings.rules },
    buildArgs: { ...config.buildArgs, ...settings.buildArgs },
    allowedRegistries: settings.allowedRegistries ?? config.allowedRegistries,
  };
}
