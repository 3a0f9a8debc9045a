// base-image-digest-malformed: an @digest that is not a valid digest (wrong algorithm, length or characters).
import type { Rule } from '../rule';
import { describeSource } from './imageRules';

export const baseImageDigestMalformed: Rule = {
  id: 'base-image-digest-malformed',
  code: 'DT103',
  category: 'pinning',
  defaultSeverity: 'error',
  description: 'Image digest is not a valid sha256/sha384/sha512 digest',
  fix: 'none',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const use of ctx.model.images) {
      if (use.kind !== 'image' || use.ref === null || use.ref.ok || use.ref.badDigest === undefined) continue;
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message:
          `${describeSource(use)} ${use.text}: ${use.ref.reason}. ` +
          `The builder rejects a malformed digest, and a truncated or mistyped one pins nothing. ` +
          `Copy the full digest (sha256: followed by 64 lowercase hex digits) from the registry, or remove it and pin again.`,
      });
    }
  },
};
