// base-image-scan-stale: policy asks for a recent signed vulnerability scan, and the newest one for the digest the build
// would use is older than the policy allows (or missing, or undated).
import { scanVerdict } from '../provenanceVerdict';
import type { Rule } from '../rule';
import { describeSource, externalImages, shown } from './imageRules';
import { policySeverity, uncertainSeverity } from './trustVerdicts';

export const baseImageScanStale: Rule = {
  id: 'base-image-scan-stale',
  code: 'DT406',
  category: 'trust',
  defaultSeverity: 'error',
  description: 'Policy requires a recent signed vulnerability scan, and the newest one for the digest the build would use is older than allowed (or missing)',
  fix: 'none',
  phase: 'facts',
  locality: 'stage',
  enforcesPolicy: true,
  check(ctx) {
    for (const { use, ref } of externalImages(ctx.model.images)) {
      const facts = ctx.facts.get(ref);
      if (facts?.attestations === undefined || facts.policy?.broken !== undefined) continue;
      const s = scanVerdict(ref, facts, ctx.facts.now);
      if (s.maxAgeDays === undefined || s.state === 'fresh' || s.state === 'not-required') continue;
      const what = `${describeSource(use)} ${shown(use)}`;
      const days = `${s.maxAgeDays} day${s.maxAgeDays === 1 ? '' : 's'}`;
      const why = 'A scan says which known vulnerabilities the image had when it was scanned; new ones are published every day, so an old scan says little about the image today.';
      const report = (message: string, severity = policySeverity(facts.policy)): void => ctx.report({ range: use.range, anchorLine: use.line, message, severity, enforced: true });
      switch (s.state) {
        case 'stale':
          report(`${what}: ${s.reason}. ${why} Update to a digest the publisher has scanned recently, ask them to re-scan, or change "scans.maxAgeDays" in the policy entry.`);
          break;
        case 'undated':
          report(`${what}: the newest signed vulnerability scan cannot be placed in time (${s.reason}), so it cannot show it is within the ${days} the policy allows. ${why} Ask the publisher for dated, logged scans.`);
          break;
        case 'missing':
          report(`${what} has no vulnerability scan signed by a trusted signer (${s.reason}); the policy asks for one at most ${days} old. ${why} Ask the publisher to attach signed scans, or change "scans" in the policy entry.`);
          break;
        case 'unavailable':
          report(`The scan policy for ${what} cannot be checked: ${s.reason}. Make the registry reachable and check again.`, uncertainSeverity(facts.policy));
          break;
      }
    }
  },
};
