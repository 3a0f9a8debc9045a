// apt-source-unsigned: an apt repository line without signed-by (any key in the global keyring may sign it).
import { analyzeDownloads } from '../downloads';
import type { Rule } from '../rule';

export const aptSourceUnsigned: Rule = {
  id: 'apt-source-unsigned',
  code: 'DT205',
  category: 'download',
  defaultSeverity: 'warning',
  description: 'apt repository added without signed-by (or with trusted=yes)',
  fix: 'none',
  phase: 'syntax',
  locality: 'stage',
  check(ctx) {
    for (const s of analyzeDownloads(ctx.model).aptSources) {
      if (s.trustedYes) {
        ctx.report({
          range: s.range,
          anchorLine: s.instruction.startLine,
          message: `The apt repository "${s.line}" is marked [trusted=yes]: apt installs whatever it serves with no signature check. Remove trusted=yes and add the repository's key with [signed-by=/usr/share/keyrings/<name>.gpg], the key checked by fingerprint.`,
          data: { kind: 'apt-source', line: s.line, instructionLine: s.instruction.startLine },
        });
        continue;
      }
      ctx.report({
        range: s.range,
        anchorLine: s.instruction.startLine,
        // The distribution's own archive is already signed by the distro keyring: say so and lower the severity.
        severity: s.distro ? 'information' : 'warning',
        message: s.distro
          ? `The apt repository "${s.line}" is the distribution's own archive, added without signed-by. apt still checks it against the distro keyring, so the risk is low, but any other key in the global keyring can also sign for it. Add [signed-by=/usr/share/keyrings/<distro>-archive-keyring.gpg] to bind it to the archive key.`
          : `The apt repository "${s.line}" is added without signed-by, so apt accepts packages for it signed by any key in the global keyring. Put the repository's key (checked by fingerprint) in /usr/share/keyrings/<name>.gpg and write the line as deb [signed-by=/usr/share/keyrings/<name>.gpg] ….`,
        data: { kind: 'apt-source', line: s.line, instructionLine: s.instruction.startLine },
      });
    }
  },
};
