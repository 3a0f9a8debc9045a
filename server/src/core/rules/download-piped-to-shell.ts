// download-piped-to-shell: downloaded content executed straight away (curl | sh, sh -c "$(curl …)", iex DownloadString).
import { analyzeDownloads } from '../downloads';
import { describe, notesText, weakText } from '../downloads/messages';
import type { Download } from '../downloads/types';
import type { Rule } from '../rule';

export const downloadPipedToShell: Rule = {
  id: 'download-piped-to-shell',
  code: 'DT202',
  category: 'download',
  defaultSeverity: 'warning',
  description: 'Downloaded script executed directly by a shell or interpreter, without verification',
  fix: 'unsafe',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const d of analyzeDownloads(ctx.model).downloads) {
      if (d.status !== 'unverified' || d.sink !== 'shell') continue;
      ctx.report({
        range: d.range,
        anchorLine: d.instruction.startLine,
        message:
          `${describe(d)} is executed directly by ${d.interpreter ?? 'a shell'} without any check.${notesText(d)}${weakText(d)} ` +
          remedy(d),
        data: { kind: 'download', url: d.url, resolvedUrl: d.resolvedUrl, instructionLine: d.instruction.startLine, ...(d.pin !== null ? { pin: d.pin } : {}) },
      });
    }
  },
};

const PREFIX = 'Download it to a file, pin its SHA-256 and check it before running it: ';

/** The same command, run from a checked file: the interpreter and its arguments as written, never a generic `sh`. */
function remedy(d: Download): string {
  if (/^(?:WebClient|Invoke-WebRequest|Start-BitsTransfer)/.test(d.tool) || d.interpreter === 'iex' || /^invoke-expression$/i.test(d.interpreter ?? '')) {
    return `${PREFIX}Invoke-WebRequest -Uri <url> -OutFile install.ps1; if ((Get-FileHash install.ps1 -Algorithm SHA256).Hash -ne '<sha256>') { exit 1 }; & ./install.ps1.`;
  }
  // Exactly what "Pin this download" writes, when it can be offered.
  if (d.pin !== null && d.pin.kind === 'pipe') return `${PREFIX}${d.pin.fetch} && echo "<sha256>  ${d.pin.file}" | sha256sum -c - && ${d.pin.run}.`;
  const fetch = d.tool === 'wget' ? 'wget -qO' : 'curl -fsSLo';
  if (d.runFromFile !== null) return `${PREFIX}${fetch} ${d.runFromFile.file} <url> && echo "<sha256>  ${d.runFromFile.file}" | sha256sum -c - && ${d.runFromFile.run}.`;
  // `sh -c "$(curl …)"`, `bash <(curl …)`, `eval "$(…)"`: run the checked file with the same interpreter (and its arguments).
  const run = interpreterOf(d.interpreter);
  return `${PREFIX}${fetch} /tmp/install.sh <url> && echo "<sha256>  /tmp/install.sh" | sha256sum -c - && ${run} /tmp/install.sh, with the arguments the script is given now.`;
}

function interpreterOf(how: string | null): string {
  if (how === null) return 'sh';
  if (how === 'eval') return 'sh';
  if (how === 'source' || how === '.') return '.';
  return how.replace(/\s+(?:-c|<\(…\))$/, '');
}
