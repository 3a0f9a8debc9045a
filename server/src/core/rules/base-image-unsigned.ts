// base-image-unsigned: policy requires a signature (or certain signers) for an image, and the trust data has none.
import type { Rule } from '../rule';
import { describeSource, externalImages, shown } from './imageRules';

export const baseImageUnsigned: Rule = {
  id: 'base-image-unsigned',
  code: 'DT401',
  category: 'trust',
  defaultSeverity: 'error',
  description: 'Policy requires a signed image, and no valid signature (from the required signers) exists',
  fix: 'none',
  phase: 'facts',
  check(ctx) {
    for (const { use, ref } of externalImages(ctx.model.images)) {
      const facts = ctx.facts.get(ref);
      const policy = facts?.policy;
      const trust = facts?.trust;
      if (policy === undefined || !policy.required || trust === undefined || trust.length === 0) continue;
      // A failed verification is base-image-trust-invalid's (louder) finding.
      if (trust.some((t) => t.state === 'invalid')) continue;
      const signed = trust.filter((t) => t.state === 'signed');
      const what = `${describeSource(use)} ${shown(use)}`;
      const wanted = policy.signers ?? [];
      if (signed.length > 0) {
        // cosign signatures only verify with the keys/identities the policy names, so they already satisfy it;
        // the signer list names Notary signers.
        if (wanted.length === 0 || signed.some((t) => t.source === 'cosign')) continue;
        const by = signed.flatMap((t) => (t.state === 'signed' ? t.signers.map((s) => s.name) : []));
        if (by.some((n) => wanted.includes(n))) continue;
        ctx.report({
          range: use.range,
          anchorLine: use.line,
          message:
            `${what} is signed by ${[...new Set(by)].join(', ')}, but policy requires a signature by ${wanted.join(' or ')}. ` +
            `A signature from someone else does not show that the publisher you trust released this image. ` +
            `Use an image signed by ${wanted.join(' or ')}, or change notarySigners in the matching dockerfileTrust.trust.policy entry (or policy file).`,
        });
        continue;
      }
      const unsigned = trust.find((t) => t.state === 'unsigned');
      if (unsigned !== undefined && unsigned.state === 'unsigned') {
        ctx.report({
          range: use.range,
          anchorLine: use.line,
          message:
            `${what} is not signed: ${unsigned.reason} (${unsigned.source}, ${unsigned.server}). ` +
            `Policy requires a signature for this image, because without one nothing ties the content to its publisher. ` +
            `Use a signed tag or digest, ask the publisher to sign it, or set required: false for it in dockerfileTrust.trust.policy (or the policy file).`,
        });
        continue;
      }
      const unavailable = trust.find((t) => t.state === 'unavailable');
      if (unavailable !== undefined && unavailable.state === 'unavailable') {
        ctx.report({
          range: use.range,
          anchorLine: use.line,
          severity: 'warning',
          message:
            `The signature policy for ${what} cannot be checked: ${unavailable.reason}. ` +
            `Policy requires a signature, and an unchecked image may not be what its publisher released. ` +
            `Make the trust server reachable (or configure another one in dockerfileTrust.notary.servers) and check again.`,
        });
      }
    }
  },
};
