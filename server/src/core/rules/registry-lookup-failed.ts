// registry-lookup-failed: the registry answered about an image, and the answer was "no" or unusable.
// Failures on the way to the registry (offline, unreachable, certificates, rate limits) are not about one image:
// the editor shows them once for the workspace (language status), never as a finding on every FROM.
import type { LookupErrorKind } from '../facts';
import { imageFailure } from '../lookupFailure';
import type { Rule } from '../rule';
import type { Severity } from '../types';
import { describeSource, externalImages, shown } from './imageRules';

const ADVICE: Readonly<Partial<Record<LookupErrorKind, string>>> = {
  unauthorized: 'Log in with `docker login <registry>` or configure a credential helper; private repositories also look like this to anonymous clients.',
  'not-found': 'Check the repository name and tag (private repositories can also answer "not found" to anonymous clients).',
  'too-large': 'The registry sent more data than a manifest may have (4 MiB); it was not read.',
  invalid: 'The registry answered with data that failed the checks (for example a digest that does not match the content); it was not used.',
};

export const registryLookupFailed: Rule = {
  id: 'registry-lookup-failed',
  code: 'DT303',
  category: 'pinning',
  defaultSeverity: 'information',
  description: 'The registry refused an image or gave an answer that could not be used',
  fix: 'none',
  phase: 'facts',
  check(ctx) {
    const seen = new Set<string>();
    for (const { use, ref } of externalImages(ctx.model.images)) {
      const fact = imageFailure(ctx.facts.get(ref)?.registry);
      // One finding per image and file, on its first use: the other uses say nothing new.
      if (fact === undefined || seen.has(ref.canonical)) continue;
      seen.add(ref.canonical);
      // Data that failed integrity checks deserves more attention than a missing tag.
      const severity: Severity | undefined = fact.kind === 'invalid' ? 'warning' : undefined;
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message:
          `${describeSource(use)} ${shown(use)}: the registry lookup failed (${fact.kind}): ${fact.message}. ` +
          `Until it succeeds, the digest cannot be pinned or checked. ${ADVICE[fact.kind] ?? ''}`.trimEnd(),
        data: { kind: 'registry-error', errorKind: fact.kind, registry: fact.registry, canonical: ref.canonical },
        ...(severity !== undefined ? { severity } : {}),
      });
    }
  },
};
