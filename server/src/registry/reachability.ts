// Which hosts could not be reached lately: one state per host instead of one failure per request. A host that failed
// at the network level (no route, name not found, refused, timed out, TLS not verified) is not asked again for a
// while; requests to it are answered at once with the same failure, so an offline editor sends nothing per keystroke
// or per image, and the workspace shows one state (language status) instead of a failure on every FROM.
import type { HttpClient, HttpFailureKind, HttpResult } from './http';

export type NetworkFailureKind = Extract<HttpFailureKind, 'unreachable' | 'timeout' | 'tls'>;

export interface HostDown {
  /** host[:port] as requested. */
  readonly host: string;
  readonly kind: NetworkFailureKind;
  /** The first failure in one line, URLs shortened to their host (no path, no query). */
  readonly cause: string;
  /** ISO time of the first failure in this run of failures. */
  readonly since: string;
  /** ISO time before which requests to the host are answered without the network. */
  readonly retryAt: string;
  readonly failures: number;
}

export interface Reachability {
  /** The transport, with hosts that are down answered at once. */
  readonly http: HttpClient;
  /** Hosts that are down now, longest first. */
  down(): readonly HostDown[];
  /** Whether the host of a URL (or a bare host[:port]) is down. */
  isDown(hostOrUrl: string): boolean;
  /** Forgets every failure: the next request to each host goes out (Retry). */
  reset(): void;
}

export interface ReachabilityOptions {
  readonly now?: () => number;
  /** One line when a host goes down and one when it answers again; never one per request. */
  readonly log?: (message: string) => void;
  /** Called when the set of hosts that are down changes. */
  readonly onChange?: () => void;
  /** First wait before a host is asked again (doubles per failed attempt, up to `maxWaitMs`). */
  readonly firstWaitMs?: number;
  readonly maxWaitMs?: number;
}

const NETWORK: ReadonlySet<HttpFailureKind> = new Set<HttpFailureKind>(['unreachable', 'timeout', 'tls']);

function hostOf(hostOrUrl: string): string | null {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(hostOrUrl) ? hostOrUrl : `https://${hostOrUrl}`).host.toLowerCase();
  } catch {
    return null;
  }
}

/** A failure message with every URL cut down to its host: one cause per host, whatever path failed. */
export function shortCause(message: string): string {
  // "cannot reach https://host/v2/…: host name not found" → "host name not found": the host is said beside it.
  return message.replace(/\bhttps?:\/\/[^\s/?#]+[^\s]*?(?=[:;,)]?(?:\s|$))/gi, (u) => hostOf(u) ?? u).replace(/^cannot reach [^\s:]+(?::\d+)?: /i, '');
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}

export function reachability(http: HttpClient, o: ReachabilityOptions = {}): Reachability {
  const now = o.now ?? Date.now;
  const first = o.firstWaitMs ?? 30_000;
  const max = o.maxWaitMs ?? 5 * 60_000;
  const state = new Map<string, HostDown & { readonly retryAtMs: number }>();
  const changed = (): void => o.onChange?.();

  const wrapped: HttpClient = async (req): Promise<HttpResult> => {
    const host = hostOf(req.url);
    if (host === null) return http(req);
    const d = state.get(host);
    if (d !== undefined && now() < d.retryAtMs) {
      return { ok: false, kind: d.kind, message: `${d.cause} (not asked again for ${seconds(d.retryAtMs - now())}; Retry asks now)` };
    }
    const res = await http(req);
    if (res.ok) {
      if (state.delete(host)) {
        o.log?.(`${host} answers again`);
        changed();
      }
      return res;
    }
    if (!NETWORK.has(res.kind)) return res;
    const again = state.get(host);
    // Requests that were already under way when the host went down do not count as further attempts.
    if (again !== undefined && now() < again.retryAtMs) return res;
    const failures = (again?.failures ?? 0) + 1;
    const wait = Math.min(max, first * 2 ** Math.min(failures - 1, 16));
    const at = now();
    const cause = shortCause(res.message);
    state.set(host, {
      host,
      kind: res.kind as NetworkFailureKind,
      cause: again?.cause ?? cause,
      since: again?.since ?? new Date(at).toISOString(),
      retryAt: new Date(at + wait).toISOString(),
      retryAtMs: at + wait,
      failures,
    });
    if (again === undefined) o.log?.(`${host} is not reachable: ${cause}; lookups of what it serves wait ${seconds(wait)} before asking it again`);
    changed();
    return res;
  };

  return {
    http: wrapped,
    down: () => [...state.values()].map(({ retryAtMs: _, ...d }) => d).sort((a, b) => a.since.localeCompare(b.since)),
    isDown(hostOrUrl) {
      const h = hostOf(hostOrUrl);
      return h !== null && state.has(h);
    },
    reset() {
      if (state.size === 0) return;
      state.clear();
      changed();
    },
  };
}
