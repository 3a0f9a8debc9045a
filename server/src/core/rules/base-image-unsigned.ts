// base-image-unsigned: policy requires a signature, and the digest the build would use has none that satisfies it.
import { relativeTime } from '../describe';
import { failureText, hostsOnly } from '../lookupFailure';
import { pinEdit } from '../pin';
import type { Rule } from '../rule';
import { acceptedBy, signerNames } from '../verdict';
import { describeSource, pinData, shown } from './imageRules';
import { bestSigned, judgedImages, policySeverity, uncertainSeverity, whoSigns } from './trustVerdicts';

export const baseImageUnsigned: Rule = {
  id: 'base-image-unsigned',
  code: 'DT401',
  category: 'trust',
  defaultSeverity: 'error',
  description: 'Policy requires a signed image, and the digest the build would use has no valid signature (from the required signers)',
  fix: 'unsafe',
  phase: 'facts',
  locality: 'stage',
  enforcesPolicy: true,
  check(ctx) {
    for (const { use, ref, facts, verdict: v } of judgedImages(ctx)) {
      const policy = v.policy;
      if (policy?.broken !== undefined) {
        ctx.report({ range: use.range, anchorLine: use.line, severity: 'warning', message: `The signature policy cannot be applied to ${describeSource(use)} ${shown(use)}: ${policy.broken}. Nothing is verified against a policy that could not be read; fix it and check again.` });
        continue;
      }
      if (policy === undefined || !policy.required || v.verified) continue;
      // A failed verification is base-image-trust-invalid's (louder) finding.
      if (v.sources.some((s) => s.state === 'invalid')) continue;
      // A pin that diverges from what the signers vouch for is base-image-pin-unsigned's finding.
      if (v.basis === 'pinned' && v.sources.some((s) => s.signedForSubject.length > 0)) continue;
      const what = `${describeSource(use)} ${shown(use)}`;
      const wanted = policy.signers ?? [];
      const accept = (d: { signers: readonly { name: string; role: string }[] }): boolean => acceptedBy(wanted, d.signers as never);
      const target = bestSigned(v.sources, (d) => accept(d));
      const edit = target !== undefined && v.basis === 'tag' ? pinEdit(use, target.d.digest) : null;
      const fix =
        edit !== null && edit.ok && target !== undefined
          ? { fixes: [{ title: `Pin to signed digest ${target.d.digest.slice(0, 19)}… (signed by ${signerNames(target.d.signers)})`, edits: [edit.edit], safe: false }], data: { ...pinData(use, ref), kind: 'pin-signed', digest: target.d.digest } }
          : {};
      const report = (message: string, severity = policySeverity(policy)): void => ctx.report({ range: use.range, anchorLine: use.line, message, severity, enforced: true, ...fix });

      const signed = v.sources.filter((s) => s.state === 'signed');
      // 1. The digest is signed, but the tag answer it rests on cannot be acted on (stale, cached, or failed).
      if (v.basis === 'tag' && (v.tagAnswer === undefined || !v.tagAnswer.fresh) && (signed.some((s) => s.acceptable) || target !== undefined)) {
        const why =
          v.tagAnswer === undefined
            ? `the registry could not say which digest ${ref.effectiveTag} points to now (${facts.registry?.state === 'error' ? failureText(facts.registry) : 'not looked up'})`
            : `the registry's answer for ${ref.effectiveTag} is from ${relativeTime(v.tagAnswer.at, ctx.facts.now ?? new Date(v.tagAnswer.at))}${facts.registry?.state === 'ok' && facts.registry.fromCache ? ' (cached)' : ''}, too old to vouch for what the tag points to now`;
        report(
          `Cannot confirm that ${what} builds from signed content: ${why}. ${target !== undefined ? `${whoSigns(target.d, ref.effectiveTag)}. ` : ''}` +
            `The build pulls the tag, so it gets whatever the tag points to at that moment. Pin the signed digest, or check again when the registry answers.`,
          uncertainSeverity(policy),
        );
        continue;
      }
      // 2. Signed, but by someone the policy does not accept.
      if (signed.length > 0) {
        report(
          `${what} is signed by ${signerNames(signed.flatMap((s) => s.signers))}, but policy requires a signature by ${wanted.join(' or ')}` +
            `${target !== undefined ? ` (${whoSigns(target.d, ref.effectiveTag)})` : ''}. Use an image signed by ${wanted.join(' or ')}, or change notarySigners in the matching policy entry.`,
        );
        continue;
      }
      // 3. The tag points to content nobody signed, while the signers vouch for another digest (the tag moved).
      // Only a source that answered for this tag (or digest) can say the current digest is not among its signed ones.
      const elsewhere = bestSigned(v.sources.filter((s) => s.state === 'not-signed'));
      if (v.basis === 'tag' && v.digest !== null && elsewhere !== undefined) {
        report(
          `${what} now points to ${v.digest} on the registry, which no trusted signer vouches for (${whoSigns(elsewhere.d, ref.effectiveTag)}). ` +
            `The tag was moved or pushed without signing, and the build pulls the tag: it would get unsigned content. ` +
            `Pin the signed digest${edit !== null && !edit.ok ? ` where it is set (${edit.reason})` : ''}, or ask the publisher to sign the new content.`,
        );
        continue;
      }
      const unsigned = v.sources.filter((s) => s.state === 'not-signed');
      if (unsigned.length > 0) {
        // Every source that looked says what it found: "no trust data" from one and "no signature for <digest>" from another.
        const reasons = unsigned.map((u) => `${u.fact.state === 'unsigned' ? u.fact.reason : `no signature for ${v.digest ?? 'this digest'}`} (${u.fact.source}, ${u.fact.server})`);
        report(`${what} is not signed: ${reasons.join('; ')}. ${policy.requiredBy !== undefined ? `A signature is required by ${policy.requiredBy}. ` : ''}Use a signed tag or digest, ask the publisher to sign it, or ${policy.requiredBy !== undefined ? 'change that policy' : 'set required: false for it in the policy'}.`);
        continue;
      }
      // 4. Nothing could be checked for this digest: say so, never "fine".
      const unavailable = v.sources.find((s) => s.state === 'unavailable' || s.state === 'not-this-digest');
      if (unavailable !== undefined) {
        const reason =
          unavailable.fact.state === 'unavailable'
            ? hostsOnly(unavailable.fact.reason)
            : `signatures were checked for ${unavailable.fact.subject.digest ?? 'another digest'}, not for ${v.digest ?? 'the digest the build would use (unknown)'}`;
        report(`The signature policy for ${what} cannot be checked: ${reason}. Make the trust source reachable (or configure another one) and check again.`, uncertainSeverity(policy));
      }
    }
  },
};
