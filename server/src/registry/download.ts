// Fetches a file once to compute its sha256 for `ADD --checksum=` (capped, timed, https only, no credentials).
import { createHash } from 'node:crypto';
import type { HttpClient } from './http';

export const DOWNLOAD_MAX_BYTES = 256 * 1024 * 1024;
export const DOWNLOAD_TIMEOUT_MS = 120_000;

export type ChecksumResult = { readonly ok: true; readonly digest: string; readonly bytes: number; readonly finalUrl: string } | { readonly ok: false; readonly message: string };

/**
 * sha256 of the bytes a URL serves now. Refuses plain http (the bytes could be swapped on the way, and the
 * checksum would then vouch for them). Uses the raw transport: no registry credentials ever go along.
 */
export async function checksumOfUrl(http: HttpClient, url: string, opts: { signal?: AbortSignal; maxBytes?: number; timeoutMs?: number } = {}): Promise<ChecksumResult> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, message: `${url} is not a URL` };
  }
  if (u.protocol !== 'https:') return { ok: false, message: `${u.protocol}// downloads are not fingerprinted: switch the URL to https first` };
  if (u.username !== '' || u.password !== '') return { ok: false, message: 'the URL carries credentials; refusing to fetch it' };
  const r = await http({
    url,
    method: 'GET',
    maxBytes: opts.maxBytes ?? DOWNLOAD_MAX_BYTES,
    timeoutMs: opts.timeoutMs ?? DOWNLOAD_TIMEOUT_MS,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (!r.ok) return { ok: false, message: r.message };
  if (r.status !== 200) return { ok: false, message: `the server answered ${r.status} for ${u.host}${u.pathname}` };
  return { ok: true, digest: `sha256:${createHash('sha256').update(r.body).digest('hex')}`, bytes: r.body.length, finalUrl: r.url };
}
