// build-context-or-image: COPY --from / RUN --mount from names no stage, so it is a named build context or an image.
import type { Rule } from '../rule';
import { describeSource } from './imageRules';

export const buildContextOrImage: Rule = {
  id: 'build-context-or-image',
  code: 'DT106',
  category: 'pinning',
  defaultSeverity: 'information',
  description: 'COPY --from / RUN --mount from names no stage: a named build context, or else an unpinned image',
  fix: 'none',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const use of ctx.model.images) {
      if (use.kind !== 'context' || use.ref === null || !use.ref.ok) continue;
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message:
          `${describeSource(use)} ${use.resolved ?? use.text} is not a stage of this Dockerfile. ` +
          `The builder takes it from a named build context (--build-context ${use.resolved}=…) when one is given, and otherwise pulls ${use.ref.canonical} unpinned; a typo in a stage name ends up here too. ` +
          `If it is a build context, nothing to do; if it is an image, write it with a tag and digest (${use.resolved}:<tag>@sha256:…).`,
      });
    }
  },
};
