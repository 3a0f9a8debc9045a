// base-image-unresolved: an image reference whose variables have no value, so it cannot be checked.
import { MAX_EXPANSION } from '../expand';
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
      if (use.tooLongVariables !== undefined && use.tooLongVariables.length > 0) {
        const names = use.tooLongVariables.filter((v) => v !== '').map((v) => `$${v}`).join(', ');
        ctx.report({
          range: use.range,
          anchorLine: use.line,
          message:
            `${describeSource(use)} ${use.text} cannot be resolved: the value of ${names || 'the reference'} would be longer than ${MAX_EXPANSION.toLocaleString('en-US')} characters ` +
            `(a variable built from itself, e.g. ARG A2=$A1$A1), so it is treated as unknown and the image is not checked. ` +
            `Give the image reference a direct value, e.g. ARG BASE=image:tag@sha256:….`,
        });
        continue;
      }
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
