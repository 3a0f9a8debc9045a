// Pure pin edits: rewrite an image reference as `image:tag@digest`, touching only the reference text.
import { checkDigest, parseReference } from './imageRef';
import type { ImageUse } from './model';
import type { TextEdit } from './types';

export type PinResult =
  | { readonly ok: true; readonly edit: TextEdit; readonly newText: string }
  | { readonly ok: false; readonly reason: string };

export interface PinOptions {
  /**
   * For a reference without a tag (`FROM alpine`), write the implicit `:latest` so the pin keeps saying which
   * tag it came from and can be refreshed later (default true). With false, `alpine@sha256:…` is written.
   */
  readonly addImplicitTag?: boolean;
}

type PinTarget = Pick<ImageUse, 'text' | 'range' | 'hasVariables'> & { readonly kind?: ImageUse['kind'] };

/**
 * The edit that pins `use` to `digest`: keeps the name and tag as written, replaces an existing digest,
 * and leaves everything outside the reference (`--platform`, `AS name`, comments) alone.
 * Refuses, with a reason, when the reference cannot be rewritten in place. Never throws.
 */
export function pinEdit(use: PinTarget, digest: string, options: PinOptions = {}): PinResult {
  if (use.kind !== undefined && use.kind !== 'image' && use.kind !== 'unresolved') {
    return { ok: false, reason: `only images can be pinned, not a ${use.kind === 'stage' ? 'build stage' : use.kind}` };
  }
  if (use.hasVariables || use.text.includes('$')) {
    return { ok: false, reason: `${use.text} contains variables: the digest cannot be written in place; pin the value where the variable is set (e.g. the ARG default)` };
  }
  const digestProblem = checkDigest(digest);
  if (digestProblem !== null) return { ok: false, reason: digestProblem };
  const { start, end } = use.range;
  if (start.line !== end.line || end.character - start.character !== use.text.length) {
    return { ok: false, reason: `${use.text} is split across lines or escaped; it cannot be rewritten safely in place` };
  }

  let quote = '';
  let inner = use.text;
  const first = inner[0];
  if ((first === '"' || first === "'") && inner.length >= 2 && inner.endsWith(first)) {
    quote = first;
    inner = inner.slice(1, -1);
  }
  const at = inner.indexOf('@');
  let name = at >= 0 ? inner.slice(0, at) : inner;
  const parsed = parseReference(name);
  if (!parsed.ok) return { ok: false, reason: `${name} is not a valid image reference: ${parsed.reason}` };
  if (parsed.tag === null && options.addImplicitTag !== false) name += ':latest';

  const newText = `${quote}${name}@${digest}${quote}`;
  if (newText === use.text) return { ok: false, reason: `${use.text} is already pinned to this digest` };
  return { ok: true, edit: { range: use.range, newText }, newText };
}
