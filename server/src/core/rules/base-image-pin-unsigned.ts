// base-image-pin-unsigned: a pinned digest that its tag's signers do not vouch for (or only signers the policy does not accept).
import type { Rule } from '../rule';
import type { Severity } from '../types';
import { pinEdit } from '../pin';
import { acceptedBy, signerNames } from '../verdict';
import { describeSource, pinData, shown } from './imageRules';
import { bestSigned, judgedImages, policySeverity, whoSigns } from './trustVerdicts';

export const baseImagePinUnsigned: Rule = {
  id: 'base-image-pin-unsigned',
  code: 'DT403',
  category: 'trust',
  defaultSeverity: 'warning',
  description: 'Pinned digest is not one its signers vouch for (or is signed only by signers the policy does not accept)',
  fix: 'unsafe',
  phase: 'facts',
  locality: 'stage',
  enforcesPolicy: true,
  check(ctx) {
    for (const { use, ref, verdict: v } of judgedImages(ctx)) {
      if (v.basis !== 'pinned' || v.sources.some((s) => s.state === 'invalid')) continue;
      // Only where a source has signatures for this reference: "no signatures at all" is base-image-unsigned's.
      if (!v.sources.some((s) => s.signedForSubject.length > 0)) continue;
      const policy = v.policy;
      const required = policy?.required === true;
      const wanted = policy?.signers ?? [];
      const target = bestSigned(v.sources, (d) => acceptedBy(wanted, d.signers));
      const edit = target !== undefined && target.d.digest !== ref.digest ? pinEdit(use, target.d.digest) : null;
      const fixes = edit !== null && edit.ok && target !== undefined ? [{ title: `Pin to signed digest ${target.d.digest.slice(0, 19)}… (signed by ${signerNames(target.d.signers)})`, edits: [edit.edit], safe: false }] : undefined;
      const data = target !== undefined ? { ...pinData(use, ref), kind: 'pin-signed', digest: target.d.digest, signers: target.d.signers.map((s) => s.name), source: target.sv.source } : undefined;
      const what = `${describeSource(use)} ${shown(use)}`;
      const forTag = ref.tag !== null ? ` for ${ref.tag}` : '';
      const remedy = target === undefined ? '' : edit !== null && !edit.ok ? ` Pin to the signed digest where it is set: ${edit.reason}.` : ' Pin to the signed digest after reviewing the change.';
      const report = (message: string, severity: Severity | undefined, enforced = required): void =>
        ctx.report({ range: use.range, anchorLine: use.line, message, ...(severity !== undefined ? { severity } : {}), ...(enforced ? { enforced: true } : {}), ...(data !== undefined ? { data } : {}), ...(fixes !== undefined ? { fixes } : {}) });

      if (v.verified) {
        // Signed, and acceptable; but docker's resolution of the tag picks another signed digest: say so quietly.
        const choice = v.sources.find((s) => s.state === 'signed' && s.sourceChoice !== undefined);
        if (choice?.sourceChoice !== undefined) {
          report(
            `${what}: your pin ${ref.digest} is signed by ${signerNames(choice.signers)}, but ${whoSigns(choice.sourceChoice, ref.tag)} (what docker's trust resolution picks for the tag). ` +
              `Both are signed; make sure the pin is the release you mean.`,
            'information',
            false,
          );
        }
        continue;
      }
      const signedBy = v.sources.filter((s) => s.state === 'signed');
      if (signedBy.length > 0) {
        // Signed, but only by signers the policy does not accept.
        report(
          `${what} is pinned to ${ref.digest}, which is signed${forTag} only by ${signerNames(signedBy.flatMap((s) => s.signers))}; policy requires ${wanted.join(' or ')}` +
            `${target !== undefined ? ` (${whoSigns(target.d, ref.tag)})` : ''}. A signature from someone else does not show that the publisher you trust released this image.${remedy}`,
          required ? policySeverity(policy) : undefined,
        );
        continue;
      }
      const elsewhere = target ?? bestSigned(v.sources);
      report(
        `${what} is pinned to ${ref.digest}, which is not signed${forTag}` +
          `${elsewhere !== undefined ? `: ${whoSigns(elsewhere.d, ref.tag)}` : ''}. A pin nobody signed may be content the publisher never released.${remedy}`,
        required ? policySeverity(policy) : undefined,
      );
    }
  },
};
