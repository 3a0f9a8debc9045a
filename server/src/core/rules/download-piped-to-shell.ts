// download-piped-to-shell: downloaded content executed straight away (curl | sh, sh -c "$(curl …)", iex DownloadString).
import { analyzeDownloads } from '../downloads';
import { describe, notesText, weakText } from '../downloads/messages';
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
          (/^(?:WebClient|Invoke-WebRequest|Start-BitsTransfer)/.test(d.tool)
            ? `Download it to a file, pin its SHA-256 and check it before running it: Invoke-WebRequest -Uri <url> -OutFile install.ps1; if ((Get-FileHash install.ps1 -Algorithm SHA256).Hash -ne '<sha256>') { exit 1 }; & ./install.ps1.`
            : `Download it to a file, pin its SHA-256 and check it before running it: curl -fsSLo install.sh <url> && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh.`),
        data: { kind: 'download', url: d.url, resolvedUrl: d.resolvedUrl, instructionLine: d.instruction.startLine, ...(d.pin !== null ? { pin: d.pin } : {}) },
      });
    }
  },
};
