// base-image-unresolved: an image reference whose variables have no value, so it cannot be checked.
import type { Rule } from '../rule';
import { describeSource } from './imageRules';

export const baseImageUnresolved: Rule = {
  id: 'base-image-unresolved',
  code: 'DT104',
  category: 'pinning',
  defaultSeverity: 'information',
  description: 'Image reference uses variables without a value, so it cannot be checked',
  fix: 'none',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const use of ctx.model.images) {
      if (use.kind !== 'unresolved') continue;
      const vars = use.unresolvedVariables.map((v) => `$${v}`).join(', ');
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message:
          `${describeSource(use)} ${use.text} cannot be resolved: ${vars} ${use.unresolvedVariables.length === 1 ? 'has' : 'have'} no default value. ` +
          `Whatever image the build passes in is used unchecked. ` +
          `Give the ARG a pinned default (ARG X=image:tag@sha256:…) or set it in the dockerfileTrust.buildArgs setting or with --build-arg.`,
      });
    }
  },
};
