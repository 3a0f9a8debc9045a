// The workspace's one status for registry and trust lookups (the language status item): on and answering, on with
// hosts that cannot be reached (a warning, with Retry), working from the cache only, or off. Short text, a detail
// line without URLs, and the state the client turns into actions.
import type { ImageFacts } from '../core/facts';
import type { ParsedReference } from '../core/imageRef';
import { isImageSpecific } from '../core/lookupFailure';
import type { NetworkMode, StatusParams } from '../protocol';
import type { UnreachableHost } from '../trust/service';

export interface StatusInput {
  /** Whether this server has lookups at all (not in Restricted Mode). */
  readonly available: boolean;
  readonly mode: NetworkMode;
  /** Hosts the transport found down. */
  readonly unreachable: readonly UnreachableHost[];
  /** The external images the workspace uses (open documents and the inventory). */
  readonly references: readonly ParsedReference[];
  readonly peek: (ref: ParsedReference) => ImageFacts | undefined;
  readonly now: Date;
}

const SOURCE_ORDER = ['notary', 'cosign', 'notation'] as const;
const SOURCE_WORDS: Readonly<Record<(typeof SOURCE_ORDER)[number], string>> = { notary: 'Notary', cosign: 'cosign', notation: 'Notation' };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

const KIND_WORDS: Readonly<Record<string, string>> = {
  unreachable: 'answers with errors',
  timeout: 'too slow to answer',
  tls: 'certificate not verified',
  'rate-limited': 'rate-limited',
  'insecure-refused': 'plain http refused',
};

export function statusOf(i: StatusInput): StatusParams {
  if (!i.available) return { state: 'syntaxOnly', mode: i.mode, text: 'Syntax checks only', detail: 'Registry and trust lookups are not available in this server.', severity: 'warning' };
  if (i.mode === 'off') {
    return { state: 'off', mode: i.mode, text: 'Lookups off', detail: 'Nothing is sent; only the checks that need no registry run.', severity: 'ok' };
  }
  let answered = 0;
  let oldest: string | null = null;
  // The trust sources that answered for some image (signed, not signed or failed verification), in a stable order.
  const sources = new Set<string>();
  const notChecked: string[] = [];
  // Hosts the registry answered for with an error about the way there (5xx, rate limits, plain http refused).
  const struggling = new Map<string, string>();
  for (const ref of i.references) {
    const f = i.peek(ref);
    for (const t of f?.trust ?? []) if (t.state !== 'unavailable') sources.add(t.source);
    const r = f?.registry;
    if (r === undefined) continue;
    if (r.state === 'ok') {
      answered++;
      if (oldest === null || r.lookedUpAt < oldest) oldest = r.lookedUpAt;
    } else if (!isImageSpecific(r.kind)) {
      notChecked.push(ref.canonical);
      if (r.kind !== 'offline' && !i.unreachable.some((u) => u.host === r.registry)) struggling.set(r.registry, r.kind);
    } else answered++;
  }
  // Text and detail share one line of the status hover with the item's action: a few words each, or the action
  // (Retry, Work offline) runs off the screen. The cause goes in `cause` (the action's tooltip) and the output.
  if (i.mode === 'cacheOnly') {
    return { state: 'cacheOnly', mode: i.mode, text: 'Working offline (cache only)', detail: `${answered} of ${plural(i.references.length, 'image')} in the cache`, severity: 'ok' };
  }
  if (i.unreachable.length > 0 || struggling.size > 0) {
    const hosts = [...i.unreachable.map((h) => h.host), ...[...struggling.keys()].filter((h) => !i.unreachable.some((u) => u.host === h))];
    const first = i.unreachable[0];
    const cause = first !== undefined ? causeText(first) : `${hosts[0] ?? 'a registry'} answered with ${struggling.get(hosts[0] ?? '') ?? 'an error'}`;
    const when = first !== undefined ? `; asked again in ${ageText(Math.max(0, Date.parse(first.retryAt) - i.now.getTime()))}, or now with Retry` : '';
    const what = hosts.length === 1 ? `${hosts[0]} ${i.unreachable.length > 0 ? 'unreachable' : (KIND_WORDS[struggling.get(hosts[0] ?? '') ?? ''] ?? 'failing')}` : `${hosts.length} hosts ${i.unreachable.length > 0 ? 'unreachable' : 'failing'}`;
    return {
      state: 'unreachable',
      mode: i.mode,
      // "Offline" only when the transport found hosts down; a registry that answers with errors is named as such.
      text: i.unreachable.length > 0 ? 'Offline' : 'Lookups failing',
      detail: `${what} · ${notChecked.length} not checked`,
      severity: 'warning',
      unreachable: hosts,
      cause: `${cause}${when}`,
    };
  }
  const age = oldest === null ? 'no answers yet' : `oldest ${ageText(i.now.getTime() - Date.parse(oldest))} old`;
  const names = SOURCE_ORDER.filter((s) => sources.has(s)).map((s) => SOURCE_WORDS[s]);
  return { state: 'ok', mode: i.mode, text: 'Trust sources reachable', detail: `${plural(answered, 'image')} checked${names.length > 0 ? ` · ${names.join(', ')}` : ''} · ${age}`, severity: 'ok' };
}

/** "registry-1.docker.io: host name not found": the cause as the transport gave it, bounded. */
function causeText(h: UnreachableHost): string {
  const c = `${h.host}: ${h.cause}`;
  return c.length > 120 ? `${c.slice(0, 119)}…` : c;
}
