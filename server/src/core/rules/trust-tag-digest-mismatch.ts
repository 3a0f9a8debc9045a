// trust-tag-digest-mismatch: the registry's digest for a tag differs from the digest its signers' resolution picks.
import type { Rule } from '../rule';
import { pinEdit } from '../pin';
import { signerNames } from '../verdict';
import { describeSource, pinData, shown } from './imageRules';
import { judgedImages, whoSigns } from './trustVerdicts';

export const trustTagDigestMismatch: Rule = {
  id: 'trust-tag-digest-mismatch',
  code: 'DT404',
  category: 'trust',
  defaultSeverity: 'information',
  description: "The registry's digest for a tag differs from the signed digest (tag moved or pushed unsigned)",
  fix: 'unsafe',
  phase: 'facts',
  locality: 'stage',
  check(ctx) {
    for (const { use, ref, facts, verdict: v } of judgedImages(ctx)) {
      if (ref.tag === null && ref.digest !== null) continue;
      const reg = facts.registry;
      if (reg?.state !== 'ok' || v.sources.some((s) => s.state === 'invalid')) continue;
      // Unpinned under a required policy: base-image-unsigned reports it, as an error.
      if (v.basis === 'tag' && v.policy?.required === true && !v.verified) continue;
      for (const sv of v.sources) {
        const fact = sv.fact;
        if (fact.state !== 'signed' || fact.tagDigest === null || fact.tagDigest === reg.digest) continue;
        const choice = fact.signed.find((d) => d.digest === fact.tagDigest);
        if (choice === undefined) continue;
        // A pin that is not docker's choice is base-image-pin-unsigned's finding.
        if (v.basis === 'pinned' && ref.digest !== choice.digest) continue;
        const regSigned = fact.signed.find((d) => d.digest === reg.digest);
        const pinnedToChoice = ref.digest === choice.digest;
        const edit = pinnedToChoice ? null : pinEdit(use, choice.digest);
        ctx.report({
          range: use.range,
          anchorLine: use.line,
          message:
            `The registry (${reg.registry}) resolves ${ref.effectiveTag} of ${describeSource(use)} ${shown(use)} to ${reg.digest}` +
            `${regSigned !== undefined ? ` (signed by ${signerNames(regSigned.signers)})` : ', which no signer vouches for'}, but ${whoSigns(choice, ref.effectiveTag)}. ` +
            (pinnedToChoice
              ? `Your pin is the signed digest; keep it.`
              : `Pulling by tag gets the registry's digest. Pin the signed digest${edit !== null && !edit.ok ? ` where it is set (${edit.reason})` : ''}, or ask the publisher to sign the new content.`),
          data: { ...pinData(use, ref), kind: 'pin-signed', digest: choice.digest, registryDigest: reg.digest, signers: choice.signers.map((s) => s.name), source: sv.source },
          ...(edit !== null && edit.ok ? { fixes: [{ title: `Pin to signed digest ${choice.digest.slice(0, 19)}… (signed by ${signerNames(choice.signers)})`, edits: [edit.edit], safe: false }] } : {}),
        });
      }
    }
  },
};
