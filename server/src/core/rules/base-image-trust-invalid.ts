// base-image-trust-invalid: the image's trust data failed verification; the message names the attack the check stopped.
import type { Rule } from '../rule';
import { describeSource, externalImages, shown } from './imageRules';

/** What each TUF attack would have done, in the user's terms. */
const ATTACKS: Readonly<Record<string, string>> = {
  'arbitrary software': 'an arbitrary-software attack: content vouched for by keys the repository does not trust',
  rollback: 'a rollback attack: older trust data than already seen, which could bring back a vulnerable image',
  'indefinite freeze': 'an indefinite-freeze attack: expired trust data replayed so that updates are never seen',
  'mix-and-match': 'a mix-and-match attack: trust files from different versions combined, or files changed after signing',
  'endless data': 'an endless-data attack: a server sending more data than the trust files may hold',
  'slow retrieval': 'a slow-retrieval attack: a server stalling so that no answer ever arrives',
  'wrong threshold': 'a threshold attack: fewer distinct signers than the repository requires',
  'root mismatch': "a root-key swap: the repository's root keys changed without a valid rotation from the trusted ones",
};

export const baseImageTrustInvalid: Rule = {
  id: 'base-image-trust-invalid',
  code: 'DT402',
  category: 'trust',
  defaultSeverity: 'error',
  description: "The image's trust data failed verification (expired, below threshold, rolled back, root mismatch, hash mismatch)",
  fix: 'none',
  phase: 'facts',
  locality: 'stage',
  enforcesPolicy: true,
  check(ctx) {
    for (const { use, ref } of externalImages(ctx.model.images)) {
      const facts = ctx.facts.get(ref);
      for (const t of facts?.trust ?? []) {
        if (t.state !== 'invalid') continue;
        const attack = ATTACKS[t.attack] ?? `a "${t.attack}" attack`;
        ctx.report({
          range: use.range,
          anchorLine: use.line,
          ...(facts?.policy?.required === true ? { enforced: true } : {}),
          message:
            `Trust data for ${describeSource(use)} ${shown(use)} failed verification (${t.source}, ${t.server}): ${t.reason}. ` +
            `The check stopped ${attack}; the signed digest cannot be trusted. ` +
            `Do not build from this image until the publisher fixes its trust data; if the keys were rotated on purpose, confirm it with the publisher before trusting the new root.`,
        });
      }
    }
  },
};
