// registry-not-allowed: an image from a registry that the project's allowed-registries list does not name.
import type { Rule } from '../rule';
import { canonicalRegistry, registryAllowed } from '../registryHost';
import { describeSource, externalImages, shown } from './imageRules';

export const registryNotAllowed: Rule = {
  id: 'registry-not-allowed',
  code: 'DT304',
  category: 'pinning',
  defaultSeverity: 'error',
  description: 'Image from a registry that is not in the project\'s allowedRegistries list',
  fix: 'none',
  phase: 'syntax',
  check(ctx) {
    const allowed = ctx.config.allowedRegistries;
    if (allowed === null) return;
    for (const { use, ref } of externalImages(ctx.model.images)) {
      if (registryAllowed(ref.registry, allowed)) continue;
      const host = canonicalRegistry(ref.registry) ?? ref.registry;
      const list = allowed.length === 0 ? 'no registry is allowed' : `allowed: ${allowed.join(', ')}`;
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message: `${describeSource(use)} ${shown(use)} comes from ${host}, which is not an allowed registry (${list}). Use a mirror on an allowed registry, or add ${host} to allowedRegistries in .dockerfile-trust.yaml.`,
      });
    }
  },
};
