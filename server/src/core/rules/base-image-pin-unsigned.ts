// base-image-pin-unsigned: a pinned digest that is not among the digests signed for its tag.
import type { Rule } from '../rule';
import { pinEdit } from '../pin';
import { describeSource, externalImages, pinData, shown } from './imageRules';

export const baseImagePinUnsigned: Rule = {
  id: 'base-image-pin-unsigned',
  code: 'DT403',
  category: 'trust',
  defaultSeverity: 'warning',
  description: 'Pinned digest is not among the digests signed for its tag',
  fix: 'unsafe',
  phase: 'facts',
  check(ctx) {
    for (const { use, ref } of externalImages(ctx.model.images)) {
      if (ref.digest === null || ref.tag === null) continue;
      const facts = ctx.facts.get(ref);
      for (const t of facts?.trust ?? []) {
        if (t.state !== 'signed') continue;
        if (t.signedDigests.includes(ref.digest)) continue;
        // A platform manifest of the signed index is covered: the index names its children by digest.
        const reg = facts?.registry;
        if (reg?.state === 'ok' && t.signedDigests.includes(reg.digest) && reg.platforms.some((p) => p.digest === ref.digest)) continue;
        const signers = t.signers.map((s) => s.name).join(', ') || t.role;
        const edit = pinEdit(use, t.signedDigest);
        ctx.report({
          range: use.range,
          anchorLine: use.line,
          message:
            `${describeSource(use)} ${shown(use)} is pinned to ${ref.digest}, which is not signed for ${ref.tag}: ` +
            `the signed digest is ${t.signedDigest} (signed by ${signers}, ${t.source}). ` +
            `A pin nobody signed may be content the publisher never released. ` +
            (edit.ok ? `Pin to the signed digest after reviewing the change.` : `Pin to the signed digest where it is set: ${edit.reason}.`),
          data: { ...pinData(use, ref), kind: 'pin-signed', digest: t.signedDigest, signers: t.signers.map((s) => s.name), source: t.source },
          ...(edit.ok ? { fixes: [{ title: `Pin to signed digest ${t.signedDigest.slice(0, 19)}… (signed by ${signers})`, edits: [edit.edit], safe: false }] } : {}),
        });
      }
    }
  },
};
