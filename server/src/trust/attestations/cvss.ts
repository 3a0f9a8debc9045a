// CVSS v3.0/v3.1 base score from a vector string (FIRST CVSS v3.1 specification, section 7), for scan results that give
// a vector instead of a score (OSV-based in-toto vulns). Other versions and malformed vectors: undefined.

const AV: Readonly<Record<string, number>> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 };
const AC: Readonly<Record<string, number>> = { L: 0.77, H: 0.44 };
const UI: Readonly<Record<string, number>> = { N: 0.85, R: 0.62 };
const CIA: Readonly<Record<string, number>> = { H: 0.56, L: 0.22, N: 0 };

/** CVSS v3.1 Roundup: the smallest one-decimal number ≥ x, computed in integers to avoid floating-point surprises. */
function roundUp(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

export function cvss3BaseScore(vector: string): number | undefined {
  if (vector.length > 200) return undefined;
  const m = /^CVSS:3\.[01]\/(.*)$/.exec(vector);
  if (!m || m[1] === undefined) return undefined;
  const metrics = new Map<string, string>();
  for (const part of m[1].split('/')) {
    const [k, v, extra] = part.split(':');
    if (k === undefined || v === undefined || extra !== undefined || metrics.has(k)) return undefined;
    metrics.set(k, v);
  }
  const av = AV[metrics.get('AV') ?? ''];
  const ac = AC[metrics.get('AC') ?? ''];
  const ui = UI[metrics.get('UI') ?? ''];
  const s = metrics.get('S');
  const c = CIA[metrics.get('C') ?? ''];
  const i = CIA[metrics.get('I') ?? ''];
  const a = CIA[metrics.get('A') ?? ''];
  const prRaw = metrics.get('PR');
  if (av === undefined || ac === undefined || ui === undefined || c === undefined || i === undefined || a === undefined || (s !== 'U' && s !== 'C')) return undefined;
  const changed = s === 'C';
  const pr = prRaw === 'N' ? 0.85 : prRaw === 'L' ? (changed ? 0.68 : 0.62) : prRaw === 'H' ? (changed ? 0.5 : 0.27) : undefined;
  if (pr === undefined) return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return changed ? roundUp(Math.min(1.08 * (impact + exploitability), 10)) : roundUp(Math.min(impact + exploitability, 10));
}
