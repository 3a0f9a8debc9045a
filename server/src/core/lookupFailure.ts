// What a failed registry lookup says: about the image (not found, not allowed, a bad answer) or about the way to the
// registry (offline, unreachable, a proxy or certificate problem). The first is a finding on the image; the second is
// one state for the whole workspace, never repeated per image.
import { isImageSpecific, type RegistryFact } from './facts';

export { isImageSpecific };

/** The registry's own failure for an image, when it is one about the image; undefined for any other state. */
export function imageFailure(fact: RegistryFact | undefined): Extract<RegistryFact, { state: 'error' }> | undefined {
  return fact?.state === 'error' && isImageSpecific(fact.kind) ? fact : undefined;
}

/** A short statement of a failure that is about the way to the registry, for hovers and messages (no URL, no cause chain). */
export function connectionProblem(fact: Extract<RegistryFact, { state: 'error' }>): string {
  switch (fact.kind) {
    case 'offline':
      return 'working from the cache only, and this image is not in it';
    case 'unreachable':
      return `${fact.registry} is not reachable`;
    case 'timeout':
      return `${fact.registry} did not answer in time`;
    case 'tls':
      return `the TLS certificate of ${fact.registry} could not be verified`;
    case 'rate-limited':
      return `${fact.registry} is rate-limiting requests`;
    case 'insecure-refused':
      return `${fact.registry} answers over plain http only, and it is not listed as an insecure registry`;
    default:
      return fact.message;
  }
}

/** A registry failure in words: the registry's own message for image failures, the short connection problem otherwise. */
export function failureText(fact: Extract<RegistryFact, { state: 'error' }>): string {
  return isImageSpecific(fact.kind) ? fact.message : connectionProblem(fact);
}

/**
 * A failure text from a registry or trust server with every URL cut down to its host: the path, query and fragment
 * say nothing to a person (and can be long), and the host is what the workspace's status names.
 */
export function hostsOnly(text: string): string {
  return text.replace(/\bhttps?:\/\/([^\s/?#]+)[^\s]*?(?=[:;,)]?(?:\s|$))/gi, (_, host: string) => host.toLowerCase());
}
