// Finding texts for the download rules: what was fetched, why it matters, and how to verify it with that tool.
import type { Download } from './types';
import { displayText, elide, oneOf } from './values';

/** A URL built by an expression (`('…' + $v)`, `$('…' -f $x)`): shown by its value alone when that is known. */
const EXPRESSION = /^\$?\(|'\s*\+|\s-f\s/;

export function describe(d: Download): string {
  const written = displayText(d.url);
  const resolved = d.alternatives.length > 1 ? oneOf(d.alternatives) : d.resolvedUrl;
  const url = resolved === null || resolved === d.url ? written : EXPRESSION.test(d.url) && d.alternatives.length <= 1 ? elide(resolved) : `${written} (= ${elide(resolved)})`;
  const to = d.outputs.length > 0 ? ` into ${displayText(d.outputs[0] as string)}` : '';
  return `${d.tool} of ${url}${to}`;
}

export function usesText(d: Download): string {
  return d.uses.length > 0 ? ` It is then ${d.uses.slice(0, 3).join(', ')}.` : '';
}

/** "Looks checked but is not": only when something in the file looks like a check. */
export function weakText(d: Download): string {
  if (d.weak.length === 0) return '';
  return ` Looks checked but is not: ${d.weak.join('; ')}.`;
}

/** Context that is not a check (a version resolved at build time, what a .repo file decides). */
export function notesText(d: Download): string {
  if (d.notes.length === 0) return '';
  return ` ${d.notes.map((n) => (n[0] ?? '').toUpperCase() + n.slice(1)).join('. ')}.`;
}

/** A downloads' context in one go, as the messages put it. */
export function contextText(d: Download): string {
  return `${notesText(d)}${weakText(d)}${usesText(d)}`;
}

const POWERSHELL_TOOLS = /^(?:Invoke-WebRequest|Invoke-RestMethod|WebClient\.|Start-BitsTransfer|curl\.exe)/;

/** How to verify a file download, in the idiom of the tool that fetched it. */
export function howToVerify(d: Download): string {
  const file = d.outputs[0] !== undefined ? displayText(d.outputs[0]) : '<file>';
  if (POWERSHELL_TOOLS.test(d.tool)) {
    const signed = /\.(?:exe|msi|msix|dll|ps1|cab)$/i.test(file) ? ` For a signed installer, (Get-AuthenticodeSignature ${file}).Status -eq 'Valid' together with a pinned SignerCertificate.Thumbprint also counts.` : '';
    return `Pin its SHA-256 (ENV X_SHA256=<hex>) and fail on a mismatch: if ((Get-FileHash ${file} -Algorithm SHA256).Hash -ne $env:X_SHA256) { throw 'checksum mismatch' }.${signed}`;
  }
  if (d.tool === 'pip') return 'Pin the file\'s hash: append #sha256=<hex> to the URL, or install from a requirements file with --require-hashes and a --hash=sha256:<hex> for every requirement.';
  if (d.tool === 'npm') return 'Install from the registry by exact version with a lockfile (npm ci checks each package\'s integrity hash), or download the tarball, check its SHA-256 (echo "<sha256>  pkg.tgz" | sha256sum -c -) and install the checked file.';
  if (d.tool === 'gem') return 'Install with -P HighSecurity and the publisher\'s certificate in the trust store, or fetch the .gem, check its SHA-256 and gem install --local the checked file.';
  if (d.tool.startsWith('go ')) return 'Keep the Go checksum database on (remove GONOSUMDB/GONOSUMCHECK/GOFLAGS=-insecure/GOSUMDB=off for this module) and install an exact version (pkg@v1.2.3), never @latest or a branch.';
  if (d.tool.startsWith('nix')) return 'Import a fixed revision with its hash (builtins.fetchTarball { url = …/<commit>.tar.gz; sha256 = "<hash>"; }) or a flake with a lock file, instead of a moving URL.';
  return `Pin its SHA-256 in the Dockerfile and check it before use: echo "<sha256>  ${file}" | sha256sum -c - (or verify its signature with gpg --verify against a key pinned by fingerprint).`;
}
