// base-image-latest: an image referenced as `latest` or with no tag at all.
import type { Rule } from '../rule';
import { describeSource, externalImages, pinData, shown } from './imageRules';

export const baseImageLatest: Rule = {
  id: 'base-image-latest',
  code: 'DT102',
  category: 'pinning',
  defaultSeverity: 'warning',
  description: 'Image referenced as latest or without a tag, and without a digest',
  fix: 'safe',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const { use, ref } of externalImages(ctx.model.images)) {
      if (ref.digest !== null) continue;
      if (ref.tag !== null && ref.tag !== 'latest') continue;
      const what = ref.tag === null ? 'has no tag, so it means latest' : 'uses the latest tag';
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message:
          `${describeSource(use)} ${shown(use)} ${what} and no digest. ` +
          `Use an explicit version tag and pin its digest: ${ref.familiar.replace(/:latest$/, '')}:<version>@sha256:<digest>.`,
        data: pinData(use, ref),
      });
    }
  },
};
