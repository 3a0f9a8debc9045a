// Text that reaches people (terminal, editor, Markdown) from hostile sources: registries, trust servers, Dockerfiles.

/**
 * C0 and C1 controls (ANSI escape sequences start with ESC or CSI), DEL, line and paragraph separators, and the
 * bidirectional controls that reorder what is displayed ("Trojan source").
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Longest single message or line shown: a server can send megabytes of names, a person reads a few lines. */
export const MAX_TEXT = 4000;

/**
 * One line of plain text, safe to print: every control, separator or bidi character is shown as a visible
 * escape (`\u001b`), so text from the network cannot move the cursor, recolour, forge extra lines or reorder
 * what the reader sees; over-long text is cut with a marker. Linear.
 */
export function printable(s: string, max: number = MAX_TEXT): string {
  const cut = s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
  return cut.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
