// base-image-unpinned: an image referenced by tag without a digest.
import type { Rule } from '../rule';
import { describeSource, externalImages, pinData, shown } from './imageRules';

export const baseImageUnpinned: Rule = {
  id: 'base-image-unpinned',
  code: 'DT101',
  category: 'pinning',
  defaultSeverity: 'warning',
  description: 'Image referenced by a tag without a digest',
  fix: 'safe',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const { use, ref } of externalImages(ctx.model.images)) {
      if (ref.digest !== null || ref.tag === null || ref.tag === 'latest') continue;
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message:
          `${describeSource(use)} ${shown(use)} is not pinned to a digest. ` +
          `Pin it as ${ref.familiar}@sha256:<digest>.`,
        data: pinData(use, ref),
      });
    }
  },
};
