// The rule registry: every rule the engine runs, in a stable order.
import type { Rule } from '../rule';
import { baseImageDigestMalformed } from './base-image-digest-malformed';
import { baseImageInvalidReference } from './base-image-invalid-reference';
import { baseImageLatest } from './base-image-latest';
import { baseImageUnpinned } from './base-image-unpinned';
import { baseImageUnresolved } from './base-image-unresolved';
import { buildContextOrImage } from './build-context-or-image';

export const RULES: readonly Rule[] = [
  baseImageUnpinned,
  baseImageLatest,
  baseImageDigestMalformed,
  baseImageInvalidReference,
  baseImageUnresolved,
  buildContextOrImage,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
