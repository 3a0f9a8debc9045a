// The CLI's per-file settings: the flags, over the nearest project config (.dockerfile-trust.yaml) of each file.
import * as path from 'node:path';
import { ProjectConfigLoader, type Found } from '../config/loader';
import { parseProjectConfig, withProjectConfig } from '../config/projectConfig';
import { badRegistryEntries } from '../config/ruleConfig';
import type { AnalysisSettings } from '../protocol';
import * as fs from 'node:fs';

export interface ProjectSettings {
  /** Settings for one file; null when its config is broken (reported on stderr once; the run then exits 2). */
  forFile(relPath: string): AnalysisSettings | null;
  /** True when a config could not be read or was invalid. */
  readonly failed: boolean;
}

/**
 * `explicit`: a --config file used for every file (no search); `search`: false for --no-config.
 * Errors and warnings are written once per config file.
 */
export function projectSettings(flags: AnalysisSettings, cwd: string, stderr: (s: string) => void, explicit?: string, search = true): ProjectSettings {
  const loader = new ProjectConfigLoader();
  const reported = new Set<string>();
  let failed = false;
  let fixed: Found | undefined;
  if (explicit !== undefined) {
    const abs = path.resolve(cwd, explicit);
    let text: string | null = null;
    try {
      text = fs.readFileSync(abs, 'utf8');
    } catch (err) {
      fixed = { kind: 'file', path: abs, ok: false, errors: [`${abs}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`] };
    }
    if (text !== null) fixed = { kind: 'file', path: abs, ...parseProjectConfig(text, abs) };
  }
  const report = (found: Found): void => {
    if (found.kind !== 'file' || reported.has(found.path)) return;
    reported.add(found.path);
    const rel = path.relative(cwd, found.path) || found.path;
    const show = (m: string): string => m.split(found.path).join(rel);
    if (!found.ok) {
      failed = true;
      for (const e of found.errors) stderr(`dockerfile-trust: ${show(e)}\n`);
      return;
    }
    for (const w of found.config.warnings) stderr(`dockerfile-trust: warning: ${show(w)}\n`);
    for (const h of badRegistryEntries(found.config.allowedRegistries)) stderr(`dockerfile-trust: warning: ${rel}: allowedRegistries: "${h}" is not a registry host and matches nothing\n`);
  };
  return {
    forFile(relPath) {
      const found = fixed ?? (search ? loader.forFile(path.resolve(cwd, relPath)) : { kind: 'none' as const });
      report(found);
      if (found.kind === 'none') return flags;
      return found.ok ? withProjectConfig(flags, found.config) : null;
    },
    get failed() {
      return failed;
    },
  };
}
