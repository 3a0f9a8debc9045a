// The Image Inventory's data, without VS Code: the image uses of every Dockerfile (per file) and what is known about
// each distinct image (per image), grouped for thousands of uses: image → reference (tag or digest) → folder → use.
// The counts are of what is listed, and what is not listed is said (InventoryNote).
import type { ImageState, InventoryUse, SignatureState } from '../../server/src/protocol';

export interface UseRef {
  readonly uri: string;
  readonly use: InventoryUse;
}

/** One reference of an image as written (`node:20`, `node@sha256:…`): its state and its uses. */
export interface Variant {
  readonly key: string;
  readonly label: string;
  readonly canonical: string | null;
  readonly uses: readonly UseRef[];
}

export interface ImageGroup {
  /** `registry/repository`, or UNRESOLVED for the uses whose ARGs have no value. */
  readonly key: string;
  readonly label: string;
  readonly variants: readonly Variant[];
  readonly uses: number;
  readonly files: number;
  readonly unpinned: number;
  /** The weakest state among its references (one unsigned reference makes the image need attention). */
  readonly signature: SignatureState | 'pending';
  readonly expires: string | null;
}

export interface InventoryTotals {
  readonly files: number;
  readonly filesWithImages: number;
  readonly images: number;
  readonly uses: number;
  readonly unresolved: number;
}

export const UNRESOLVED = '\u0000unresolved';

/** Weakest first: a group shows the state of its weakest reference. */
const RANK: Readonly<Record<SignatureState | 'pending', number>> = {
  invalid: 0,
  unsigned: 1,
  unavailable: 2,
  offline: 3,
  pending: 4,
  unknown: 5,
  unresolved: 6,
  signed: 7,
  'not-applicable': 8,
};

/** The state in a few words, as the tree shows it. */
export function signatureLabel(s: SignatureState | 'pending'): string {
  switch (s) {
    case 'signed':
      return 'signed';
    case 'unsigned':
      return 'not signed';
    case 'invalid':
      return 'signature INVALID';
    case 'unavailable':
      return 'signatures could not be checked';
    case 'offline':
      return 'not checked (offline)';
    case 'unknown':
      return 'no signature check';
    case 'unresolved':
      return 'unresolved ARG: not checked';
    case 'pending':
      return 'not looked up yet';
    case 'not-applicable':
      return 'not an image';
  }
}

function dirOf(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i >= 0 ? uri.slice(0, i) : '';
}

export class InventoryModel {
  private readonly files = new Map<string, readonly InventoryUse[]>();
  private readonly states = new Map<string, ImageState>();
  private cached: { groups: ImageGroup[]; totals: InventoryTotals } | null = null;

  setFile(uri: string, uses: readonly InventoryUse[]): void {
    this.files.set(uri, uses);
    this.cached = null;
  }

  deleteFile(uri: string): boolean {
    const had = this.files.delete(uri);
    if (had) this.cached = null;
    return had;
  }

  hasFile(uri: string): boolean {
    return this.files.has(uri);
  }

  usesOf(uri: string): readonly InventoryUse[] {
    return this.files.get(uri) ?? [];
  }

  fileUris(): string[] {
    return [...this.files.keys()];
  }

  setStates(states: readonly ImageState[]): void {
    for (const s of states) this.states.set(s.canonical, s);
    this.cached = null;
  }

  state(canonical: string | null): ImageState | undefined {
    return canonical === null ? undefined : this.states.get(canonical);
  }

  /** Distinct canonical references used now. */
  references(): string[] {
    const out = new Set<string>();
    for (const uses of this.files.values()) for (const u of uses) if (u.canonical !== null) out.add(u.canonical);
    return [...out];
  }

  totals(): InventoryTotals {
    return this.build().totals;
  }

  groups(): readonly ImageGroup[] {
    return this.build().groups;
  }

  private build(): { groups: ImageGroup[]; totals: InventoryTotals } {
    if (this.cached !== null) return this.cached;
    const byGroup = new Map<string, Map<string, UseRef[]>>();
    let uses = 0;
    let unresolved = 0;
    let withImages = 0;
    for (const [uri, list] of this.files) {
      let any = false;
      for (const use of list) {
        // Stages and scratch are not images; everything else is listed, unresolved references in a group of their own.
        if (use.kind === 'stage' || use.kind === 'scratch') continue;
        any = true;
        uses++;
        const group = use.kind === 'unresolved' ? UNRESOLVED : (use.name ?? `?${use.text}`);
        if (use.kind === 'unresolved') unresolved++;
        const variant = use.canonical ?? use.text;
        let g = byGroup.get(group);
        if (g === undefined) byGroup.set(group, (g = new Map()));
        let v = g.get(variant);
        if (v === undefined) g.set(variant, (v = []));
        v.push({ uri, use });
      }
      if (any) withImages++;
    }
    const groups: ImageGroup[] = [];
    for (const [key, variants] of byGroup) {
      const vs: Variant[] = [...variants].map(([k, list]) => {
        list.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.use.range.start.line - b.use.range.start.line));
        const first = list[0]!.use;
        return { key: k, label: first.canonical !== null ? first.familiar : first.text, canonical: first.canonical, uses: list };
      });
      vs.sort((a, b) => b.uses.length - a.uses.length || a.label.localeCompare(b.label));
      const all = vs.flatMap((v) => v.uses);
      let signature: SignatureState | 'pending' = 'not-applicable';
      let expires: string | null = null;
      for (const v of vs) {
        const st = key === UNRESOLVED ? 'unresolved' : v.canonical === null ? 'not-applicable' : (this.states.get(v.canonical)?.signature ?? 'pending');
        if (RANK[st] < RANK[signature]) signature = st;
        const e = this.states.get(v.canonical ?? '')?.expires ?? null;
        if (e !== null && (expires === null || e < expires)) expires = e;
      }
      const first = all[0]!.use;
      groups.push({
        key,
        label: key === UNRESOLVED ? 'Unresolved image references' : first.name === null ? first.text : shortName(first),
        variants: vs,
        uses: all.length,
        files: new Set(all.map((u) => u.uri)).size,
        unpinned: all.filter((u) => u.use.canonical !== null && u.use.pinnedDigest === null).length,
        signature,
        expires,
      });
    }
    groups.sort(compareGroups);
    const images = groups.filter((g) => g.key !== UNRESOLVED).length;
    this.cached = { groups, totals: { files: this.files.size, filesWithImages: withImages, images, uses, unresolved } };
    return this.cached;
  }
}

/** At most this many folders under one reference, if the folder depth allows it. */
const MAX_FOLDERS = 50;

/**
 * The uses of a reference by folder, when there are many: a list of thousands is no overview. The folders are cut at
 * the deepest level below what all the uses share that still gives at most MAX_FOLDERS of them (at least one level).
 */
export function byFolder(uses: readonly UseRef[]): { folder: string; uses: UseRef[] }[] {
  const dirs = uses.map((u) => dirOf(u.uri).split('/'));
  let common = dirs[0]?.length ?? 0;
  for (const d of dirs) {
    let i = 0;
    while (i < common && i < d.length && d[i] === dirs[0]![i]) i++;
    common = i;
  }
  const deepest = Math.max(...dirs.map((d) => d.length));
  const cut = (depth: number): Map<string, UseRef[]> => {
    const out = new Map<string, UseRef[]>();
    uses.forEach((u, i) => {
      const key = dirs[i]!.slice(0, Math.min(dirs[i]!.length, common + depth)).join('/');
      let l = out.get(key);
      if (l === undefined) out.set(key, (l = []));
      l.push(u);
    });
    return out;
  };
  let best = cut(1);
  for (let depth = 2; common + depth <= deepest; depth++) {
    const next = cut(depth);
    if (next.size > MAX_FOLDERS) break;
    best = next;
  }
  return [...best].map(([folder, list]) => ({ folder, uses: list })).sort((a, b) => a.folder.localeCompare(b.folder));
}

function shortName(u: InventoryUse): string {
  // familiar carries the tag/digest; the group is the repository, so strip them.
  const f = u.familiar;
  const at = f.indexOf('@');
  const base = at >= 0 ? f.slice(0, at) : f;
  const colon = base.lastIndexOf(':');
  return colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
}

/** Soonest expiry first; then images needing attention; unresolved references last; then by name. */
function compareGroups(a: ImageGroup, b: ImageGroup): number {
  if ((a.key === UNRESOLVED) !== (b.key === UNRESOLVED)) return a.key === UNRESOLVED ? 1 : -1;
  if (a.expires !== null && b.expires !== null && a.expires !== b.expires) return a.expires < b.expires ? -1 : 1;
  if (a.expires !== null && b.expires === null) return -1;
  if (a.expires === null && b.expires !== null) return 1;
  return a.label.localeCompare(b.label);
}
