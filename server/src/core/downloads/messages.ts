// Finding texts for the download rules: what was fetched, why it matters, how to verify it.
import type { Download } from './types';

export function describe(d: Download): string {
  const url = d.resolvedUrl !== null && d.resolvedUrl !== d.url ? `${d.url} (= ${d.resolvedUrl})` : d.url;
  const to = d.outputs.length > 0 ? ` into ${d.outputs[0]}` : '';
  return `${d.tool} of ${url}${to}`;
}

export function usesText(d: Download): string {
  return d.uses.length > 0 ? ` It is then ${d.uses.slice(0, 3).join(', ')}.` : '';
}

export function weakText(d: Download): string {
  if (d.weak.length === 0) return '';
  return ` Looks checked but is not: ${d.weak.join('; ')}.`;
}

/** How to verify a file download, with the tool's own idiom. */
export function howToVerify(d: Download): string {
  const file = d.outputs[0] ?? '<file>';
  if (d.tool === 'Invoke-WebRequest' || d.tool.startsWith('WebClient') || d.tool === 'Start-BitsTransfer' || d.tool === 'curl.exe') {
    return `Pin its SHA-256 (ENV X_SHA256=<hex>) and fail on mismatch: if ((Get-FileHash ${file} -Algorithm SHA256).Hash -ne $env:X_SHA256) { exit 1 }.`;
  }
  return `Pin its SHA-256 in the Dockerfile and check it before use: echo "<sha256>  ${file}" | sha256sum -c - (or verify its signature with gpg --verify).`;
}
