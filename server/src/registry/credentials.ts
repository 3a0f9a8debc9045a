// Registry credentials found the way docker finds them: config.json, credential helpers, auths.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Credential =
  | { readonly kind: 'basic'; readonly username: string; readonly secret: string }
  /** The helper answered Username `<token>`: Secret is an OAuth refresh token (identity token). */
  | { readonly kind: 'identity-token'; readonly token: string };

/** Returns credentials for a registry host (`docker.io`, `localhost:5000`), or null for anonymous. Never throws. */
export type CredentialSource = (registry: string) => Promise<Credential | null>;

export const NO_CREDENTIALS: CredentialSource = async () => null;

export interface DockerCredentialOptions {
  /** Environment (DOCKER_CONFIG, HOME, PATH for helpers). Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Helper timeout (default 5000 ms). */
  readonly helperTimeoutMs?: number;
  /** Called with credential-free notes (e.g. "helper X failed"), for the output channel. */
  readonly log?: (message: string) => void;
}

const HELPER_NAME = /^[a-z0-9._-]+$/;
const MAX_CONFIG_BYTES = 1024 * 1024;
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/** The key docker uses for a registry in config.json and with helpers. */
export function serverKey(registry: string): string {
  return registry === 'docker.io' || registry === 'index.docker.io' || registry === 'registry-1.docker.io' ? DOCKER_HUB_KEY : registry;
}

interface DockerConfig {
  credHelpers?: Record<string, unknown>;
  credsStore?: unknown;
  auths?: Record<string, unknown>;
}

function hostOfKey(key: string): string {
  // auths keys may be URLs (`https://host/v1/`) or bare hosts.
  const m = /^(?:https?:\/\/)?([^/]+)/i.exec(key);
  return (m?.[1] ?? key).toLowerCase();
}

function credentialFrom(username: string, secret: string): Credential | null {
  if (secret === '') return null;
  if (username === '<token>') return { kind: 'identity-token', token: secret };
  return { kind: 'basic', username, secret };
}

function runHelper(name: string, key: string, env: Readonly<Record<string, string | undefined>>, timeoutMs: number, log: (m: string) => void): Promise<Credential | null> {
  return new Promise((resolve) => {
    if (!HELPER_NAME.test(name)) {
      log(`ignoring credential helper "${name.slice(0, 40)}": helper names may only contain a-z, 0-9, '.', '_' and '-'`);
      resolve(null);
      return;
    }
    const program = `docker-credential-${name}`;
    let child;
    try {
      child = execFile(
        program,
        ['get'],
        { timeout: timeoutMs, maxBuffer: 64 * 1024, shell: false, env: env as NodeJS.ProcessEnv, windowsHide: true },
        (err, stdout) => {
          if (err) {
            // Helper output may echo secrets: report only the helper name and the kind of failure.
            const text = String(stdout ?? '');
            if (/credentials not found/i.test(text)) resolve(null);
            else {
              const e = err as { code?: unknown; killed?: boolean };
              log(`credential helper ${program} failed (${e.killed ? 'timed out' : typeof e.code === 'string' ? e.code : `exit ${String(e.code)}`}); continuing anonymously`);
              resolve(null);
            }
            return;
          }
          try {
            const parsed = JSON.parse(String(stdout)) as { Username?: unknown; Secret?: unknown };
            if (typeof parsed.Username !== 'string' || typeof parsed.Secret !== 'string') {
              log(`credential helper ${program} returned an unexpected answer; continuing anonymously`);
              resolve(null);
              return;
            }
            resolve(credentialFrom(parsed.Username, parsed.Secret));
          } catch {
            log(`credential helper ${program} returned invalid JSON; continuing anonymously`);
            resolve(null);
          }
        },
      );
    } catch {
      log(`credential helper ${program} could not be started; continuing anonymously`);
      resolve(null);
      return;
    }
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(key);
  });
}

/** Credentials from DOCKER_CONFIG or ~/.docker/config.json: credHelpers[host] > credsStore > auths[host].auth. */
export function dockerCredentials(options: DockerCredentialOptions = {}): CredentialSource {
  const env = options.env ?? process.env;
  const timeoutMs = options.helperTimeoutMs ?? 5000;
  const log = options.log ?? (() => undefined);
  const dir = env['DOCKER_CONFIG'] ?? join(env['HOME'] ?? homedir(), '.docker');
  const file = join(dir, 'config.json');

  return async (registry: string): Promise<Credential | null> => {
    let config: DockerConfig;
    try {
      const text = await readFile(file, 'utf8');
      if (text.length > MAX_CONFIG_BYTES) {
        log(`${file} is larger than 1 MiB; ignoring it`);
        return null;
      }
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
      config = parsed as DockerConfig;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'ENOENT') log(`cannot read ${file}; continuing anonymously`);
      return null;
    }
    const key = serverKey(registry);
    const host = hostOfKey(key);
    const helpers = config.credHelpers !== null && typeof config.credHelpers === 'object' ? config.credHelpers : {};
    const helper = helpers[key] ?? helpers[registry];
    if (typeof helper === 'string' && helper !== '') return runHelper(helper, key, env, timeoutMs, log);
    if (typeof config.credsStore === 'string' && config.credsStore !== '') return runHelper(config.credsStore, key, env, timeoutMs, log);
    const auths = config.auths !== null && typeof config.auths === 'object' ? config.auths : {};
    let entry: unknown = auths[key];
    if (entry === undefined) {
      for (const [k, v] of Object.entries(auths)) if (hostOfKey(k) === host) entry = v;
    }
    if (entry === null || typeof entry !== 'object') return null;
    const e = entry as { auth?: unknown; identitytoken?: unknown };
    if (typeof e.identitytoken === 'string' && e.identitytoken !== '') return { kind: 'identity-token', token: e.identitytoken };
    if (typeof e.auth !== 'string') return null;
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) {
      log(`the auths entry for ${registry} in ${file} is not base64 user:password; ignoring it`);
      return null;
    }
    return credentialFrom(decoded.slice(0, colon), decoded.slice(colon + 1));
  };
}
