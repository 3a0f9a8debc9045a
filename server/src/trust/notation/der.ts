// A minimal DER element walker: only finds the exact byte ranges of elements (names, TBS, signed attributes),
// which schema decoders re-serialize instead of keeping. Structured decoding is @peculiar/asn1-*'s job.

export interface DerElement {
  /** Identifier octet (only low-tag-number form is accepted). */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the element. */
  readonly end: number;
}

/** Reads one element at `offset` within `[offset, limit)`; undefined when malformed (indefinite length, overlong, truncated). */
export function readElement(buf: Uint8Array, offset: number, limit = buf.length): DerElement | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) return undefined;
  let len = buf[offset + 1] as number;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p + i] as number);
    p += n;
    // DER: the shortest length form.
    if (len < 0x80 || (n > 1 && buf[offset + 2] === 0)) return undefined;
  }
  if (p + len > limit) return undefined;
  return { tag, start: offset, contentStart: p, end: p + len };
}

/** The children of a constructed element, or undefined when they do not tile its content exactly. */
export function children(buf: Uint8Array, el: DerElement): DerElement[] | undefined {
  if ((el.tag & 0x20) === 0) return undefined;
  const out: DerElement[] = [];
  let p = el.contentStart;
  while (p < el.end) {
    const c = readElement(buf, p, el.end);
    if (!c) return undefined;
    out.push(c);
    p = c.end;
  }
  return out;
}

export function slice(buf: Uint8Array, el: DerElement): Uint8Array {
  return buf.subarray(el.start, el.end);
}

/** Top-level element that must span the whole buffer. */
export function whole(buf: Uint8Array): DerElement | undefined {
  const el = readElement(buf, 0);
  return el && el.end === buf.length ? el : undefined;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
