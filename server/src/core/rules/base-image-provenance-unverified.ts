// base-image-provenance-unverified: policy requires signed provenance (who built the image, from what source), and the
// digest the build would use has none that satisfies it.
import { describeAttestation } from '../describeAttestations';
import { provenanceVerdict } from '../provenanceVerdict';
import type { Rule } from '../rule';
import { describeSource, externalImages, shown } from './imageRules';
import { policySeverity, uncertainSeverity } from './trustVerdicts';

const WHY = 'Without signed provenance nothing ties the image to the builder and source repository you expect: whoever can push to the repository decides what you build on.';

export const baseImageProvenanceUnverified: Rule = {
  id: 'base-image-provenance-unverified',
  code: 'DT405',
  category: 'trust',
  defaultSeverity: 'error',
  description: 'Policy requires signed provenance (builder, source repository), and the digest the build would use has none that satisfies it',
  fix: 'none',
  phase: 'facts',
  locality: 'stage',
  enforcesPolicy: true,
  check(ctx) {
    for (const { use, ref } of externalImages(ctx.model.images)) {
      const facts = ctx.facts.get(ref);
      if (facts?.attestations === undefined) continue;
      // A policy that could not be read is base-image-unsigned's warning; nothing is judged against it here.
      if (facts.policy?.broken !== undefined) continue;
      const v = provenanceVerdict(ref, facts, ctx.facts.now);
      if (!v.required || v.verified || v.state === 'not-looked-up') continue;
      const what = `${describeSource(use)} ${shown(use)}`;
      const required = facts.attestations.requirements.provenance?.summary;
      const wants = required !== undefined ? ` The policy requires provenance ${required}.` : '';
      const report = (message: string, severity = policySeverity(facts.policy)): void => ctx.report({ range: use.range, anchorLine: use.line, message, severity, enforced: true });
      const said = v.attestation !== undefined ? ` It says: ${describeAttestation(v.attestation)}.` : '';
      switch (v.state) {
        case 'unavailable':
          report(`The provenance policy for ${what} cannot be checked: ${v.reason}. Make the registry (and the policy's attestation repository) reachable and check again.`, uncertainSeverity(facts.policy));
          break;
        case 'mismatch':
          report(`${what} has signed provenance, but not what the policy requires: ${v.reason}.${said}${wants} Use an image built by the required builder from the required source, or change "provenance" in the policy entry.`);
          break;
        case 'untrusted':
          report(`${what} has provenance signed by nobody the policy trusts for it: ${v.reason}.${said} ${WHY} Add the publisher's signing identity or key to "provenance" in the policy entry once you have checked it, or use another image.`);
          break;
        case 'unsigned':
          report(
            `${what} has no signed provenance, only unsigned BuildKit provenance in the image index, as the registry serves it (${v.unsigned.length} statement${v.unsigned.length === 1 ? '' : 's'}): anyone who can push to the repository can write it. ${WHY}${wants} Ask the publisher to sign their provenance (actions/attest-build-provenance, cosign attest), or use an image that has it.`,
          );
          break;
        case 'invalid':
          report(`The provenance of ${what} failed verification: ${v.reason}. An attestation that does not verify may have been altered or attached to another image.${wants} Do not build on it until the publisher's provenance verifies.`);
          break;
        default:
          report(`${what} has no signed provenance: ${v.reason}. ${WHY}${wants} Ask the publisher to attach signed provenance, point "attestationRepository" at where they keep it, or use an image that has it.`);
      }
    }
  },
};
