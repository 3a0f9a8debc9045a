// registry-lookup-failed: the registry could not be asked, stated clearly instead of staying silent.
import type { LookupErrorKind } from '../facts';
import type { Rule } from '../rule';
import type { Severity } from '../types';
import { externalImages, shown } from './imageRules';

const ADVICE: Readonly<Record<LookupErrorKind, string>> = {
  unreachable: 'Check the network, proxy and registry host name; the lookup is retried later.',
  unauthorized: 'Log in with `docker login <registry>` or configure a credential helper; private repositories also look like this to anonymous clients.',
  'not-found': 'Check the repository name and tag (private repositories can also answer "not found" to anonymous clients).',
  'rate-limited': 'The registry asked to slow down; the lookup is retried later. Logging in raises Docker Hub limits.',
  'too-large': 'The registry sent more data than a manifest may have (4 MiB); it was not read.',
  tls: 'The registry certificate could not be verified; add its CA certificate for this host in the settings if it uses a private CA.',
  timeout: 'The registry did not answer in time; the lookup is retried later.',
  invalid: 'The registry answered with data that failed the checks (for example a digest that does not match the content); it was not used.',
  offline: 'Offline mode answers from the cache only; turn it off to look the image up.',
  'insecure-refused': 'Plain http is only used for registries listed as insecure in the settings.',
};

export const registryLookupFailed: Rule = {
  id: 'registry-lookup-failed',
  code: 'DT303',
  category: 'pinning',
  defaultSeverity: 'information',
  description: 'The registry could not be asked about an image',
  fix: 'none',
  phase: 'facts',
  check(ctx) {
    const seen = new Set<string>();
    for (const { use, ref } of externalImages(ctx.model.images)) {
      const fact = ctx.facts.get(ref)?.registry;
      if (fact === undefined || fact.state !== 'error') continue;
      // One finding per use, but identical failures on the same line are one message.
      const key = `${use.line}:${ref.canonical}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // Data that failed integrity checks deserves more attention than a network hiccup.
      const severity: Severity | undefined = fact.kind === 'invalid' ? 'warning' : fact.kind === 'offline' ? 'hint' : undefined;
      ctx.report({
        range: use.range,
        anchorLine: use.line,
        message:
          `Registry lookup for ${shown(use)} failed (${fact.kind}): ${fact.message}. ` +
          `Until it succeeds, the digest cannot be pinned or checked. ${ADVICE[fact.kind]}`,
        data: { kind: 'registry-error', errorKind: fact.kind, registry: fact.registry, canonical: ref.canonical },
        ...(severity !== undefined ? { severity } : {}),
      });
    }
  },
};
