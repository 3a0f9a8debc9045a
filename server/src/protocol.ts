// Settings and protocol types shared by the extension client and the server (no dependencies).

export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

/** `dockerfileTrust.*` settings after normalization. */
export interface Settings {
  /** Per-rule severity (`dockerfileTrust.rules`): rule id → severity or "off". */
  readonly rules: Readonly<Record<string, SeveritySetting>>;
  /** Build-arg overrides used when resolving ARGs in image references (`dockerfileTrust.buildArgs`). */
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Target platform for the automatic TARGET* / BUILD* ARGs (`dockerfileTrust.platform`). */
  readonly platform: string;
  /** Answer registry/trust questions from the cache only (`dockerfileTrust.offline`). */
  readonly offline: boolean;
  /** Look up digests and trust data at all (`dockerfileTrust.network.enabled`). */
  readonly networkEnabled: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  rules: {},
  buildArgs: {},
  platform: 'linux/amd64',
  offline: false,
  networkEnabled: true,
};

const SEVERITIES = new Set<SeveritySetting>(['error', 'warning', 'information', 'hint', 'off']);

function record(raw: unknown): Record<string, unknown> {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

/** One normaliser for the whole section: anything malformed falls back to its default. */
export function normalizeSettings(raw: unknown): Settings {
  const r = record(raw);
  const rules: Record<string, SeveritySetting> = {};
  for (const [k, v] of Object.entries(record(r['rules']))) {
    const s = typeof v === 'string' ? (v.toLowerCase() === 'info' ? 'information' : v.toLowerCase()) : '';
    if (SEVERITIES.has(s as SeveritySetting)) rules[k] = s as SeveritySetting;
  }
  const buildArgs: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(r['buildArgs']))) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && (typeof v === 'string' || typeof v === 'number')) buildArgs[k] = String(v);
  }
  const platform = typeof r['platform'] === 'string' && /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/.test(r['platform']) ? r['platform'] : DEFAULT_SETTINGS.platform;
  const network = record(r['network']);
  return {
    rules,
    buildArgs,
    platform,
    offline: r['offline'] === true,
    networkEnabled: network['enabled'] !== false,
  };
}

/** Custom requests and notifications between client and server. */
export const Requests = {
  /** Server → client: status for the language status item. */
  status: 'dockerfileTrust/status',
} as const;

export interface StatusParams {
  readonly text: string;
  readonly detail: string;
  readonly severity: 'ok' | 'warning' | 'error';
}
