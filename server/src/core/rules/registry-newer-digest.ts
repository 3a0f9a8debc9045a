// registry-newer-digest: a pinned image whose tag now points to other content.
import type { Rule } from '../rule';
import { pinEdit } from '../pin';
import { describeSource, externalImages, pinData, shown } from './imageRules';

export const registryNewerDigest: Rule = {
  id: 'registry-newer-digest',
  code: 'DT302',
  category: 'pinning',
  defaultSeverity: 'information',
  description: 'Pinned image whose tag now points to a different digest',
  fix: 'unsafe',
  phase: 'facts',
  locality: 'stage',
  check(ctx) {
    for (const { use, ref } of externalImages(ctx.model.images)) {
      if (ref.digest === null || ref.tag === null) continue;
      const fact = ctx.facts.get(ref)?.registry;
      if (fact === undefined || fact.state !== 'ok') continue;
      // A deliberate single-platform pin of the current index is not stale.
      if (fact.digest === ref.digest || fact.platforms.some((p) => p.digest === ref.digest)) continue;
      // An unknown pin is registry-digest-unknown's finding, not an update.
      if (fact.pinnedDigestKnown === false) continue;
      const edit = pinEdit(use, fact.digest);
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message:
          `Newer digest for ${ref.tag}: ${describeSource(use)} ${shown(use)} is pinned to ${ref.digest}, but the tag now points to ${fact.digest}` +
          `${fact.isIndex ? ' (a multi-platform index)' : ''} on ${fact.registry}. ` +
          `The pin keeps the old content (that is its purpose), so security fixes in the new image are not picked up. ` +
          (edit.ok ? `Update the pin after reviewing the change.` : `Update the pin where it is set: ${edit.reason}.`),
        data: { ...pinData(use, ref), kind: 'pin-update', digest: fact.digest, registry: fact.registry, lookedUpAt: fact.lookedUpAt },
        ...(edit.ok ? { fixes: [{ title: `Update pin to the current digest of ${ref.tag} (registry digest, not signature-verified)`, edits: [edit.edit], safe: false }] } : {}),
      });
    }
  },
};
