// base-image-invalid-reference: an image reference the builder would reject (bad name, tag or host).
import type { Rule } from '../rule';
import { describeSource } from './imageRules';

export const baseImageInvalidReference: Rule = {
  id: 'base-image-invalid-reference',
  code: 'DT105',
  category: 'pinning',
  defaultSeverity: 'error',
  description: 'Image reference is not a valid reference',
  fix: 'none',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const use of ctx.model.images) {
      if (use.kind !== 'image' || use.ref === null || use.ref.ok || use.ref.badDigest !== undefined) continue;
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message:
          `${describeSource(use)} ${use.resolved ?? use.text} is not a valid image reference: ${use.ref.reason}. ` +
          `The build will fail here, and nothing about it can be verified. ` +
          `Write it as [registry/]repository[:tag][@sha256:digest] with a lowercase repository name.`,
      });
    }
  },
};
