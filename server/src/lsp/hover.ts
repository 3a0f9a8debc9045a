// Hover on an image reference: digest, signers, expiry, source and verification state, from the shared description.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import { describeImage } from '../core/describe';
import type { Segment } from '../core/describeAttestations';
import { MAX_TEXT, printable } from '../core/text';
import type { DockerfileModel, ImageUse } from '../core/model';
import type { NetworkMode } from '../protocol';
import type { ImageLookup } from '../trust/service';

function contains(use: ImageUse, p: Position): boolean {
  const { start, end } = use.range;
  if (p.line < start.line || p.line > end.line) return false;
  if (p.line === start.line && p.character < start.character) return false;
  if (p.line === end.line && p.character > end.character) return false;
  return true;
}

function md(s: string): string {
  return printable(s, 2 * MAX_TEXT).replace(/([\\`*_{}[\]<>|])/g, '\\$1');
}

/** A segment as Markdown: its text escaped, its link (an https URL the core built from checked parts) in angle brackets. */
function mdSegment(s: Segment): string {
  const text = md(s.text);
  return s.href !== undefined && /^https:\/\/[^\s<>()]+$/.test(s.href) ? `[${text}](<${s.href}>)` : text;
}

/** What the hover says when nothing is known yet: lookups off, working from the cache, the reference still changing. */
export interface HoverContext {
  readonly mode: NetworkMode;
  /** Canonical names of references not looked up yet because they are still being typed. */
  readonly changing: ReadonlySet<string>;
}

export function hoverAt(model: DockerfileModel, position: Position, lookup: ImageLookup | undefined, now: Date, context: HoverContext = { mode: 'on', changing: new Set() }): Hover | null {
  const use = model.images.find((u) => contains(u, position));
  if (use === undefined) return null;
  const lines: string[] = [];
  switch (use.kind) {
    case 'stage':
      lines.push(`**${md(use.resolved ?? use.text)}** is a build stage of this Dockerfile: nothing to pin.`);
      break;
    case 'scratch':
      lines.push('**scratch** is the empty image: nothing to pin.');
      break;
    case 'unresolved':
      if (use.tooLongVariables !== undefined && use.tooLongVariables.length > 0) {
        lines.push(`**${md(use.text)}** cannot be resolved: its value would be too long (a variable built from itself), so it is treated as unknown.`);
      } else {
        lines.push(`**${md(use.text)}** cannot be resolved: ${use.unresolvedVariables.map((v) => `\`$${v}\``).join(', ')} ${use.unresolvedVariables.length === 1 ? 'has' : 'have'} no value.`);
      }
      break;
    case 'context':
    case 'image': {
      const ref = use.ref;
      if (ref === null || !ref.ok) {
        lines.push(`**${md(use.text)}**: ${md(ref?.ok === false ? ref.reason : 'not a valid reference')}`);
        break;
      }
      const facts = lookup?.peek(ref);
      const d = describeImage(ref, facts, now);
      lines.push(`**${md(ref.familiar)}** — ${md(d.headline)}${d.verified ? ' ✓' : ''}`, '', `\`${ref.canonical}\``);
      if (use.hasVariables) lines.push('', `Resolved from \`${md(use.text)}\` with ARG defaults / build-arg settings.`);
      if (lookup === undefined) lines.push('', context.mode === 'off' ? 'Registry and trust lookups are off (`dockerfileTrust.network.mode`).' : 'Registry and trust lookups are not available in this window.');
      else if (facts === undefined) {
        lines.push(
          '',
          context.mode === 'cacheOnly'
            ? 'Working offline: this image is not in the cache, so nothing is known about it.'
            : context.changing.has(ref.canonical)
              ? 'Looked up once the reference stops changing (or when the file is saved).'
              : 'Looking up digest and trust data…',
        );
      }
      if (d.lines.length > 0) {
        lines.push(
          '',
          ...d.lines.map((l, i) => {
            const linked = d.lineSegments?.[i];
            if (linked !== undefined) return `- ${linked.map(mdSegment).join('')}`;
            return l.startsWith('  ') ? `    - ${md(l.trim())}` : `- ${md(l)}`;
          }),
        );
      }
      break;
    }
  }
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: use.range };
}
