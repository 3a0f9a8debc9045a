// The rules' view of the settings (core RuleConfig), one object per settings object so incremental reuse holds.
import { canonicalRegistry } from '../core/registryHost';
import { DEFAULT_RULE_CONFIG, type RuleConfig } from '../core/rule';
import type { AnalysisSettings } from '../protocol';

const cache = new WeakMap<AnalysisSettings, RuleConfig>();

export function ruleConfigOf(settings: AnalysisSettings): RuleConfig {
  let c = cache.get(settings);
  if (c === undefined) {
    const list = settings.allowedRegistries;
    c = list === null ? DEFAULT_RULE_CONFIG : { allowedRegistries: [...new Set(list.map(canonicalRegistry).filter((h): h is string => h !== null))] };
    cache.set(settings, c);
  }
  return c;
}

/** Entries of an allowed-registries list that are not registry hosts (for a warning: they can never match). */
export function badRegistryEntries(list: readonly string[] | null): string[] {
  return (list ?? []).filter((h) => canonicalRegistry(h) === null);
}
