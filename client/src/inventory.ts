// The image inventory view: every image the workspace's Dockerfiles use, grouped by image, expiry soonest first.
import * as vscode from 'vscode';
import type { ImageUseInfo } from '../../server/src/protocol';
import { DOCKERFILE_GLOB, EXCLUDE_GLOB, MAX_FILES, readText, requestImageUses, toRange, type Ctx } from './requests';

interface Use {
  readonly uri: vscode.Uri;
  readonly info: ImageUseInfo;
}

interface Group {
  readonly key: string;
  readonly label: string;
  readonly uses: Use[];
}

export type Node = { kind: 'group'; group: Group } | { kind: 'use'; use: Use } | { kind: 'note'; text: string };

export class InventoryProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private groups: Group[] = [];
  private notes: string[] = [];
  /** Per-file answers, so a change to one file re-asks about that file only. */
  private readonly files = new Map<string, { uri: vscode.Uri; uses: readonly ImageUseInfo[] }>();
  private readonly pending = new Map<string, vscode.Uri>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;

  constructor(private readonly ctx: Ctx) {}

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.changed.dispose();
  }

  /** Marks files as changed (saved, created, deleted, new diagnostics); bursts are coalesced into one update. */
  scheduleUpdate(uris: readonly vscode.Uri[]): void {
    for (const u of uris) this.pending.set(u.toString(), u);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = [...this.pending.values()];
      this.pending.clear();
      void this.update(batch);
    }, 300);
  }

  /** A deleted file leaves the inventory at once (no read attempt, no warning). */
  forget(uri: vscode.Uri): void {
    this.pending.delete(uri.toString());
    if (this.files.delete(uri.toString())) this.regroup();
  }

  /** Rescans the workspace. With `lookup`, a second pass waits for registry/trust answers and shows them. */
  async reload(lookup: boolean): Promise<void> {
    const gen = ++this.generation;
    const found = await vscode.workspace.findFiles(DOCKERFILE_GLOB, EXCLUDE_GLOB, MAX_FILES + 1);
    if (gen !== this.generation) return;
    this.notes = found.length > MAX_FILES ? [`Only the first ${MAX_FILES} Dockerfiles are listed.`] : [];
    const files = found.slice(0, MAX_FILES);
    this.files.clear();
    await this.ask(gen, files, false);
    if (lookup) await this.ask(gen, files, true);
  }

  private async update(uris: readonly vscode.Uri[]): Promise<void> {
    const gen = this.generation;
    // Only workspace files belong to the workspace's inventory; a Dockerfile opened from elsewhere does not.
    const known = uris.filter((u) => vscode.workspace.getWorkspaceFolder(u) !== undefined && (this.files.has(u.toString()) || this.files.size < MAX_FILES));
    await this.ask(gen, known, false);
  }

  private async ask(gen: number, uris: readonly vscode.Uri[], lookup: boolean): Promise<void> {
    const results = await Promise.all(
      uris.map(async (uri) => {
        const text = await readText(this.ctx, uri);
        return { uri, uses: text === null ? null : await requestImageUses(this.ctx, uri, text, lookup) };
      }),
    );
    // A full rescan started meanwhile: its answers win.
    if (gen !== this.generation) return;
    for (const { uri, uses } of results) {
      if (uses === null) this.files.delete(uri.toString());
      else this.files.set(uri.toString(), { uri, uses });
    }
    this.regroup();
  }

  private regroup(): void {
    const byKey = new Map<string, Group>();
    for (const { uri, uses } of this.files.values()) {
      for (const info of uses) {
        if (info.kind === 'stage' || info.kind === 'scratch') continue;
        const key = info.name ?? `?${info.text}`;
        let g = byKey.get(key);
        if (g === undefined) {
          g = { key, label: info.name === null ? info.text : shortName(info), uses: [] };
          byKey.set(key, g);
        }
        g.uses.push({ uri, info });
      }
    }
    this.groups = [...byKey.values()].sort(compareGroups);
    for (const g of this.groups) g.uses.sort((a, b) => a.uri.toString().localeCompare(b.uri.toString()) || a.info.range.start.line - b.info.range.start.line);
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (node === undefined) return [...this.notes.map((text) => ({ kind: 'note' as const, text })), ...this.groups.map((group) => ({ kind: 'group' as const, group }))];
    if (node.kind === 'group') return node.group.uses.map((use) => ({ kind: 'use' as const, use }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'note') {
      const item = new vscode.TreeItem(node.text);
      item.iconPath = new vscode.ThemeIcon('info');
      return item;
    }
    if (node.kind === 'group') {
      const g = node.group;
      const item = new vscode.TreeItem(g.label, vscode.TreeItemCollapsibleState.Expanded);
      const unpinned = g.uses.filter((u) => u.info.pinnedDigest === null && u.info.canonical !== null).length;
      const sig = groupSignature(g);
      const expiry = soonestExpiry(g);
      const parts = [`${g.uses.length} use${g.uses.length === 1 ? '' : 's'}`, unpinned > 0 ? `${unpinned} unpinned` : 'all pinned', sig];
      const prov = groupProvenance(g);
      if (prov !== null) parts.push(provenanceWords(prov));
      if (expiry !== null) parts.push(`expires ${expiry.slice(0, 10)}`);
      item.description = parts.join(' · ');
      item.tooltip = new vscode.MarkdownString(
        g.uses.map((u) => `- \`${u.info.text.replace(/`/g, '')}\`: ${u.info.signatureDetail.replace(/[\\`*_[\]<>]/g, '')}${u.info.provenance !== undefined ? `; ${u.info.provenance.detail.replace(/[\\`*_[\]<>]/g, '')}` : ''}`).join('\n'),
      );
      item.iconPath = new vscode.ThemeIcon(sig === 'signed' ? 'verified' : sig === 'invalid' ? 'error' : unpinned > 0 ? 'warning' : 'package');
      item.contextValue = 'image';
      item.id = `group:${g.key}`;
      return item;
    }
    const { uri, info } = node.use;
    const item = new vscode.TreeItem(`${vscode.workspace.asRelativePath(uri)}:${info.range.start.line + 1}`, vscode.TreeItemCollapsibleState.None);
    const pin = info.pinnedDigest !== null ? 'pinned' : info.canonical !== null ? 'unpinned' : info.kind;
    item.description = `${info.text} · ${pin} · ${info.signature}${info.provenance !== undefined ? ` · ${provenanceWords(info.provenance.state)}` : ''}`;
    item.tooltip = `${info.text}\n${info.signatureDetail}${info.provenance !== undefined ? `\n${info.provenance.detail}${info.provenance.scan !== undefined ? `\nscan: ${info.provenance.scan}` : ''}` : ''}${info.registryError !== null ? `\nregistry: ${info.registryError}` : ''}`;
    item.iconPath = new vscode.ThemeIcon(info.pinnedDigest !== null ? 'pinned' : 'circle-outline');
    item.command = { command: 'dockerfileTrust.inventory.open', title: 'Go to image use', arguments: [uri, toRange(info.range)] };
    item.contextValue = info.canonical !== null ? 'imageUse' : 'use';
    item.id = `use:${uri.toString()}:${info.range.start.line}:${info.range.start.character}`;
    return item;
  }
}

function shortName(info: ImageUseInfo): string {
  // familiar carries the tag/digest; the group is the repository, so strip them.
  const f = info.familiar;
  const at = f.indexOf('@');
  const base = at >= 0 ? f.slice(0, at) : f;
  const colon = base.lastIndexOf(':');
  return colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
}

function soonestExpiry(g: Group): string | null {
  let best: string | null = null;
  for (const u of g.uses) if (u.info.expires !== null && (best === null || u.info.expires < best)) best = u.info.expires;
  return best;
}

const SIG_RANK: Readonly<Record<ImageUseInfo['signature'], number>> = { invalid: 0, unsigned: 1, unavailable: 2, unknown: 3, signed: 4, 'not-applicable': 5 };

/** The weakest signature state among a group's uses: one unsigned use makes the image need attention. */
function groupSignature(g: Group): ImageUseInfo['signature'] {
  let worst: ImageUseInfo['signature'] = 'not-applicable';
  for (const u of g.uses) if (SIG_RANK[u.info.signature] < SIG_RANK[worst]) worst = u.info.signature;
  return worst;
}

type ProvenanceState = NonNullable<ImageUseInfo['provenance']>['state'];
const PROVENANCE_RANK: Readonly<Record<ProvenanceState, number>> = { invalid: 0, mismatch: 1, untrusted: 2, unsigned: 3, missing: 4, unavailable: 5, 'not-looked-up': 6, verified: 7 };

/** The provenance column: "provenance ✓" only for a verified provenance (never for unsigned BuildKit provenance). */
function provenanceWords(state: ProvenanceState): string {
  return state === 'verified' ? 'provenance ✓' : state === 'unsigned' ? 'provenance unsigned' : state === 'not-looked-up' ? 'provenance not looked up' : `provenance ${state}`;
}

/** The weakest provenance state among a group's uses; null when none was looked up. */
function groupProvenance(g: Group): ProvenanceState | null {
  let worst: ProvenanceState | null = null;
  for (const u of g.uses) {
    const s = u.info.provenance?.state;
    if (s !== undefined && (worst === null || PROVENANCE_RANK[s] < PROVENANCE_RANK[worst])) worst = s;
  }
  return worst;
}

/** Soonest expiry first; images without an expiry after, by name. */
function compareGroups(a: Group, b: Group): number {
  const ea = soonestExpiry(a);
  const eb = soonestExpiry(b);
  if (ea !== null && eb !== null && ea !== eb) return ea < eb ? -1 : 1;
  if (ea !== null && eb === null) return -1;
  if (ea === null && eb !== null) return 1;
  return a.label.localeCompare(b.label);
}

/** The reference an inventory node stands for (its context-menu commands receive the node). */
export function referenceOf(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const n = node as Partial<Node>;
  if (n.kind === 'use') return (n as Extract<Node, { kind: 'use' }>).use.info.canonical ?? undefined;
  if (n.kind === 'group') return (n as Extract<Node, { kind: 'group' }>).group.uses.find((u) => u.info.canonical !== null)?.info.canonical ?? undefined;
  return undefined;
}
