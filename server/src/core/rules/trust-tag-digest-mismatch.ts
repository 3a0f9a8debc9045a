// trust-tag-digest-mismatch: the registry's digest for a tag differs from the digest its signers vouch for.
import type { Rule } from '../rule';
import { pinEdit } from '../pin';
import { describeSource, externalImages, pinData, shown } from './imageRules';

export const trustTagDigestMismatch: Rule = {
  id: 'trust-tag-digest-mismatch',
  code: 'DT404',
  category: 'trust',
  defaultSeverity: 'information',
  description: "The registry's digest for a tag differs from the signed digest (tag moved or pushed unsigned)",
  fix: 'unsafe',
  phase: 'facts',
  check(ctx) {
    for (const { use, ref } of externalImages(ctx.model.images)) {
      if (ref.tag === null && ref.digest !== null) continue;
      const facts = ctx.facts.get(ref);
      const reg = facts?.registry;
      if (reg === undefined || reg.state !== 'ok') continue;
      for (const t of facts?.trust ?? []) {
        if (t.state !== 'signed' || t.signedDigest === reg.digest) continue;
        const signers = t.signers.map((s) => s.name).join(', ') || t.role;
        const pinnedToSigned = ref.digest === t.signedDigest;
        const edit = pinnedToSigned ? null : pinEdit(use, t.signedDigest);
        ctx.report({
          range: use.range,
          anchorLine: use.line,
          message:
            `The registry (${reg.registry}) resolves ${ref.effectiveTag} of ${describeSource(use)} ${shown(use)} to ${reg.digest}, ` +
            `but the signed digest is ${t.signedDigest} (signed by ${signers}). ` +
            `The tag was moved or pushed without signing, so pulling by tag gets content no signer vouched for. ` +
            (pinnedToSigned
              ? `Your pin is the signed digest; keep it.`
              : `Pin the signed digest${edit !== null && !edit.ok ? ` where it is set (${edit.reason})` : ''}, or ask the publisher to sign the new content.`),
          data: { ...pinData(use, ref), kind: 'pin-signed', digest: t.signedDigest, registryDigest: reg.digest, signers: t.signers.map((s) => s.name), source: t.source },
          ...(edit !== null && edit.ok ? { fixes: [{ title: `Pin to signed digest ${t.signedDigest.slice(0, 19)}… (signed by ${signers})`, edits: [edit.edit], safe: false }] } : {}),
        });
      }
    }
  },
};
