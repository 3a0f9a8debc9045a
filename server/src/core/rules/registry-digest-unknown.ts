// registry-digest-unknown: a pinned digest the registry does not have.
import type { Rule } from '../rule';
import { pinEdit } from '../pin';
import { describeSource, externalImages, pinData, shown } from './imageRules';

export const registryDigestUnknown: Rule = {
  id: 'registry-digest-unknown',
  code: 'DT301',
  category: 'pinning',
  defaultSeverity: 'warning',
  description: 'Pinned digest that the registry does not know',
  fix: 'unsafe',
  phase: 'facts',
  locality: 'stage',
  check(ctx) {
    for (const { use, ref } of externalImages(ctx.model.images)) {
      if (ref.digest === null) continue;
      const fact = ctx.facts.get(ref)?.registry;
      if (fact === undefined || fact.state !== 'ok' || fact.pinnedDigestKnown !== false) continue;
      const current = ref.tag !== null && fact.digest !== ref.digest ? fact.digest : null;
      const edit = current !== null ? pinEdit(use, current) : null;
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message:
          `${describeSource(use)} ${shown(use)} is pinned to ${ref.digest}, which ${fact.registry} does not have. ` +
          `The build will fail to pull it, or the pin was mistyped, or the content was deleted from the repository. ` +
          (current !== null
            ? `The tag ${ref.tag} currently points to ${current}; re-pin to it after checking that it is the image you want.`
            : `Check the digest and pin to one the registry serves.`),
        data: { ...pinData(use, ref), kind: 'pin-update', digest: current, registry: fact.registry },
        ...(edit !== null && edit.ok
          ? { fixes: [{ title: `Re-pin to the current digest of ${ref.tag ?? ''} (registry digest, not signature-verified)`, edits: [edit.edit], safe: false }] }
          : {}),
      });
    }
  },
};
