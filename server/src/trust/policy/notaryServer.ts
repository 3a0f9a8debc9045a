// Which Notary server serves a registry: a setting, DOCKER_CONTENT_TRUST_SERVER, or docker's defaults — and
// notary.docker.io's retirement on 2026-12-08, said honestly. Chosen once per lookup (trust/imageLookup.ts).
export const DOCKER_HUB_NOTARY = 'https://notary.docker.io';
/** docs.docker.com/engine/security/trust: notary.docker.io shuts down on this day. */
export const DOCKER_HUB_NOTARY_RETIRES = new Date('2026-12-08T00:00:00Z');

export interface NotaryServerChoice {
  readonly url: string;
  /** Where the choice came from, for hover text and logs. */
  readonly origin: 'setting' | 'DOCKER_CONTENT_TRUST_SERVER' | 'default';
  /** Set when the server is known to be shut down at `now`: do not contact it, say so. */
  readonly retired?: string;
  /** A warning that does not stop the lookup (e.g. the retirement date is near). */
  readonly notice?: string;
}

/**
 * Picks the notary server for a registry: a per-registry setting, then DOCKER_CONTENT_TRUST_SERVER
 * (docker applied it to every registry), then docker's defaults (notary.docker.io for Docker Hub,
 * https://<registry> otherwise).
 */
export function notaryServerFor(registry: string, servers: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>>, now: Date): NotaryServerChoice {
  const configured = servers[registry];
  if (configured !== undefined && configured !== '') return { url: configured.replace(/\/+$/, ''), origin: 'setting' };
  const fromEnv = env['DOCKER_CONTENT_TRUST_SERVER'];
  if (fromEnv !== undefined && fromEnv !== '') return withRetirement({ url: fromEnv.replace(/\/+$/, ''), origin: 'DOCKER_CONTENT_TRUST_SERVER' }, now);
  if (registry === 'docker.io') return withRetirement({ url: DOCKER_HUB_NOTARY, origin: 'default' }, now);
  return { url: `https://${registry}`, origin: 'default' };
}

function withRetirement(choice: NotaryServerChoice, now: Date): NotaryServerChoice {
  let host: string;
  try {
    host = new URL(choice.url).host;
  } catch {
    return choice;
  }
  if (host !== 'notary.docker.io') return choice;
  if (now >= DOCKER_HUB_NOTARY_RETIRES) {
    return { ...choice, retired: `notary.docker.io was retired on 2026-12-08: Docker Hub no longer serves Docker Content Trust data, so Docker Hub images cannot be checked this way (use cosign signatures or a self-hosted notary server)` };
  }
  const days = Math.ceil((DOCKER_HUB_NOTARY_RETIRES.getTime() - now.getTime()) / 86_400_000);
  return { ...choice, notice: `notary.docker.io shuts down on 2026-12-08 (in ${days} day${days === 1 ? '' : 's'}); Docker Content Trust for Docker Hub ends then` };
}
