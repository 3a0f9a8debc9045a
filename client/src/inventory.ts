// The image inventory view: every image the workspace's Dockerfiles use, grouped image → reference → folder → use,
// soonest expiry first, with true counts (the view's description) and any limit said at the top.
import * as vscode from 'vscode';
import { Requests, type ImageState, type ImageStatesResult, type InventoryUsesResult } from '../../server/src/protocol';
import { InventoryLoader, type InventoryIO, type InventoryNote } from './inventoryLoader';
import { byFolder, signatureLabel, UNRESOLVED, type ImageGroup, type UseRef, type Variant } from './inventoryModel';
import { DOCKERFILE_GLOB, EXCLUDE_GLOB, describe, readText, toRange, type Ctx } from './requests';

export type Node =
  | { kind: 'note'; note: InventoryNote }
  | { kind: 'detail'; text: string; id: string }
  | { kind: 'group'; group: ImageGroup }
  | { kind: 'variant'; group: ImageGroup; variant: Variant }
  | { kind: 'folder'; parent: string; folder: string; uses: readonly UseRef[] }
  | { kind: 'use'; use: UseRef };

/** More uses than this under one reference are listed by folder. */
const FOLDER_THRESHOLD = 50;
/** Groups with more uses than this start collapsed. */
const EXPAND_UP_TO = 10;

/** `dockerfileTrust.inventory.maxFiles`: 0 (the default) = every Dockerfile. */
export function maxFilesSetting(): number {
  const v = vscode.workspace.getConfiguration('dockerfileTrust').get<number>('inventory.maxFiles') ?? 0;
  return Number.isFinite(v) ? Math.max(0, Math.floor(v)) : 0;
}

function plural(n: number, one: string): string {
  return `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;
}

/** The workspace as the loader needs it: VS Code's file search, file system and open documents, and the server. */
function vscodeIO(ctx: Ctx): InventoryIO {
  return {
    list: async () => (await vscode.workspace.findFiles(DOCKERFILE_GLOB, EXCLUDE_GLOB)).map((u) => u.toString()),
    async stamp(uri) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      if (open !== undefined) return `open:${open.version}`;
      try {
        const st = await vscode.workspace.fs.stat(vscode.Uri.parse(uri));
        return `${st.mtime}:${st.size}`;
      } catch {
        return null;
      }
    },
    read: (uri) => readText(ctx, vscode.Uri.parse(uri)),
    async uses(files) {
      try {
        return (await ctx.client.sendRequest<InventoryUsesResult>(Requests.inventoryUses, { files })).files;
      } catch (err) {
        ctx.output.error(`image inventory: the server could not list the images of ${files.length} file(s): ${describe(err)}`);
        return null;
      }
    },
    async states(references, lookup) {
      try {
        return (await ctx.client.sendRequest<ImageStatesResult>(Requests.imageStates, { references, lookup })).images;
      } catch (err) {
        ctx.output.error(`image inventory: the server could not say what it knows about ${references.length} image(s): ${describe(err)}`);
        return null;
      }
    },
  };
}

export class InventoryProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loader: InventoryLoader;
  private readonly pending = new Map<string, vscode.Uri>();
  private updateTimer: ReturnType<typeof setTimeout> | undefined;
  private renderTimer: ReturnType<typeof setTimeout> | undefined;
  /** Called with the counts after each render (the view's description). */
  onTotals: (text: string) => void = () => undefined;

  constructor(ctx: Ctx) {
    this.loader = new InventoryLoader(vscodeIO(ctx), { maxFiles: maxFilesSetting, onChange: () => this.render() });
  }

  dispose(): void {
    if (this.updateTimer !== undefined) clearTimeout(this.updateTimer);
    if (this.renderTimer !== undefined) clearTimeout(this.renderTimer);
    this.changed.dispose();
  }

  /** Redraws at most a few times a second while a load streams in. */
  private render(): void {
    if (this.renderTimer !== undefined) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      const t = this.loader.model.totals();
      this.onTotals(`${plural(t.images, 'image')} · ${plural(t.uses, 'use')} · ${plural(t.files, 'Dockerfile')}${this.loader.loading ? ' (loading…)' : ''}`);
      this.changed.fire(undefined);
    }, 250);
  }

  /** Marks files as changed (saved, created, new diagnostics); bursts are coalesced into one update. */
  scheduleUpdate(uris: readonly vscode.Uri[]): void {
    for (const u of uris) if (vscode.workspace.getWorkspaceFolder(u) !== undefined) this.pending.set(u.toString(), u);
    if (this.updateTimer !== undefined) clearTimeout(this.updateTimer);
    this.updateTimer = setTimeout(() => {
      this.updateTimer = undefined;
      const batch = [...this.pending.keys()];
      this.pending.clear();
      void this.loader.update(batch);
    }, 300);
  }

  /** A deleted file leaves the inventory at once. */
  forget(uri: vscode.Uri): void {
    this.pending.delete(uri.toString());
    if (this.loader.forget(uri.toString())) this.render();
  }

  /** Lists the workspace again. With `lookup`, every image is looked up (once each) and shown when answered. */
  reload(lookup: boolean, reread = false): Promise<void> {
    return this.loader.reload(lookup, reread);
  }

  /** What the server knows now (after answers arrived or settings changed), without reading any file. */
  refreshStates(): Promise<void> {
    return this.loader.refreshAllStates();
  }

  getChildren(node?: Node): Node[] {
    if (node === undefined) return [...this.loader.notes.map((note) => ({ kind: 'note' as const, note })), ...this.loader.model.groups().map((group) => ({ kind: 'group' as const, group }))];
    switch (node.kind) {
      case 'note':
        return node.note.children.map((text, i) => ({ kind: 'detail' as const, text, id: `${i}` }));
      case 'group': {
        const g = node.group;
        // A few uses are listed as they are (each says its reference); many are grouped by reference first.
        if (g.variants.length === 1 || g.uses <= EXPAND_UP_TO) return this.usesOf(`g:${g.key}`, g.variants.flatMap((v) => v.uses).sort((a, b) => a.uri.localeCompare(b.uri) || a.use.range.start.line - b.use.range.start.line));
        return g.variants.map((variant) => ({ kind: 'variant' as const, group: g, variant }));
      }
      case 'variant':
        return this.usesOf(`v:${node.group.key}:${node.variant.key}`, node.variant.uses);
      case 'folder':
        return node.uses.map((use) => ({ kind: 'use' as const, use }));
      default:
        return [];
    }
  }

  private usesOf(parent: string, uses: readonly UseRef[]): Node[] {
    const folders = uses.length > FOLDER_THRESHOLD ? byFolder(uses) : [];
    if (folders.length > 1) return folders.map((f) => ({ kind: 'folder' as const, parent, folder: f.folder, uses: f.uses }));
    return uses.map((use) => ({ kind: 'use' as const, use }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'note': {
        const item = new vscode.TreeItem(node.note.text, node.note.children.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon('info');
        item.id = `note:${node.note.text}`;
        return item;
      }
      case 'detail': {
        const item = new vscode.TreeItem(node.text);
        item.iconPath = new vscode.ThemeIcon('folder');
        return item;
      }
      case 'group':
        return this.groupItem(node.group);
      case 'variant': {
        const v = node.variant;
        const st = this.loader.model.state(v.canonical);
        const item = new vscode.TreeItem(v.label, v.uses.length <= EXPAND_UP_TO ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        const pin = v.canonical === null ? '' : v.uses[0]!.use.pinnedDigest !== null ? 'pinned' : 'unpinned';
        item.description = [plural(v.uses.length, 'use'), pin, signatureLabel(st?.signature ?? (v.canonical === null ? 'unresolved' : 'pending')), provenanceWords(st?.provenance?.state)].filter((x) => x !== '').join(' · ');
        item.tooltip = [st?.signatureDetail ?? v.uses[0]!.use.note ?? '', st?.provenance?.detail ?? '', st?.provenance?.scan !== undefined ? `scan: ${st.provenance.scan}` : ''].filter((x) => x !== '').join('\n');
        item.iconPath = new vscode.ThemeIcon('tag');
        item.contextValue = v.canonical !== null ? 'image' : 'use';
        item.id = `variant:${node.group.key}:${v.key}`;
        return item;
      }
      case 'folder': {
        const item = new vscode.TreeItem(vscode.workspace.asRelativePath(vscode.Uri.parse(node.folder)) || node.folder, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = plural(node.uses.length, 'use');
        item.iconPath = vscode.ThemeIcon.Folder;
        item.id = `folder:${node.parent}:${node.folder}`;
        return item;
      }
      case 'use':
        return this.useItem(node.use);
    }
  }

  private groupItem(g: ImageGroup): vscode.TreeItem {
    const item = new vscode.TreeItem(g.label, g.uses <= EXPAND_UP_TO ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    const where = `${plural(g.uses, 'use')}${g.files !== g.uses ? ` in ${plural(g.files, 'file')}` : ''}`;
    if (g.key === UNRESOLVED) {
      item.description = `${where} · an ARG without a value: not checked`;
      item.tooltip = 'These references use build arguments that have no value (no default, no dockerfileTrust.buildArgs entry): whatever image the build passes in is used unchecked.';
      item.iconPath = new vscode.ThemeIcon('question');
      item.id = 'group:unresolved';
      return item;
    }
    const parts = [where, g.unpinned > 0 ? `${g.unpinned} unpinned` : 'all pinned', signatureLabel(g.signature)];
    const prov = provenanceWords(weakestProvenance(g.variants.map((v) => this.loader.model.state(v.canonical)?.provenance?.state)));
    if (prov !== '') parts.push(prov);
    if (g.expires !== null) parts.push(`expires ${g.expires.slice(0, 10)}`);
    item.description = parts.join(' · ');
    const md = new vscode.MarkdownString(
      g.variants
        .slice(0, 20)
        .map((v) => `- \`${v.label.replace(/`/g, '')}\` (${plural(v.uses.length, 'use')}): ${(this.loader.model.state(v.canonical)?.signatureDetail ?? 'not looked up yet').replace(/[\\`*_[\]<>]/g, '')}`)
        .join('\n') + (g.variants.length > 20 ? `\n- … and ${g.variants.length - 20} more references` : ''),
    );
    item.tooltip = md;
    item.iconPath = new vscode.ThemeIcon(g.signature === 'signed' ? 'verified' : g.signature === 'invalid' ? 'error' : g.signature === 'offline' ? 'cloud-offline' : g.unpinned > 0 ? 'warning' : 'package');
    item.contextValue = 'image';
    item.id = `group:${g.key}`;
    return item;
  }

  private useItem(ref: UseRef): vscode.TreeItem {
    const { use } = ref;
    const uri = vscode.Uri.parse(ref.uri);
    const item = new vscode.TreeItem(`${vscode.workspace.asRelativePath(uri)}:${use.range.start.line + 1}`, vscode.TreeItemCollapsibleState.None);
    const st = this.loader.model.state(use.canonical);
    if (use.kind === 'unresolved') {
      item.description = `${use.text} · unresolved ARG`;
      item.tooltip = `${use.text}\n${use.note ?? ''}`;
      item.iconPath = new vscode.ThemeIcon('question');
    } else {
      const pin = use.pinnedDigest !== null ? 'pinned' : use.canonical !== null ? 'unpinned' : use.kind;
      const prov = provenanceWords(st?.provenance?.state);
      item.description = `${use.text} · ${pin} · ${signatureLabel(st?.signature ?? (use.canonical === null ? 'not-applicable' : 'pending'))}${prov !== '' ? ` · ${prov}` : ''}`;
      item.tooltip = `${use.text}\n${st?.signatureDetail ?? use.note ?? 'not looked up yet'}${st?.provenance !== undefined ? `\n${st.provenance.detail}${st.provenance.scan !== undefined ? `\nscan: ${st.provenance.scan}` : ''}` : ''}${st?.registryError ? `\nregistry: ${st.registryError}` : ''}`;
      item.iconPath = new vscode.ThemeIcon(use.pinnedDigest !== null ? 'pinned' : 'circle-outline');
    }
    item.command = { command: 'dockerfileTrust.inventory.open', title: 'Go to image use', arguments: [uri, toRange(use.range)] };
    item.contextValue = use.canonical !== null ? 'imageUse' : 'use';
    item.id = `use:${ref.uri}:${use.range.start.line}:${use.range.start.character}`;
    return item;
  }
}

/** The reference an inventory node stands for (its context-menu commands receive the node). */
export function referenceOf(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const n = node as Partial<Node> & { kind?: string };
  if (n.kind === 'use') return (n as Extract<Node, { kind: 'use' }>).use.use.canonical ?? undefined;
  if (n.kind === 'variant') return (n as Extract<Node, { kind: 'variant' }>).variant.canonical ?? undefined;
  if (n.kind === 'group') return (n as Extract<Node, { kind: 'group' }>).group.variants.find((v) => v.canonical !== null)?.canonical ?? undefined;
  return undefined;
}

type ProvenanceState = NonNullable<ImageState['provenance']>['state'];
const PROVENANCE_RANK: Readonly<Record<ProvenanceState, number>> = { invalid: 0, mismatch: 1, untrusted: 2, unsigned: 3, missing: 4, unavailable: 5, 'not-looked-up': 6, verified: 7 };

/** The provenance column: "provenance ✓" only for a verified provenance (never for unsigned BuildKit provenance). */
function provenanceWords(state: ProvenanceState | undefined): string {
  if (state === undefined) return '';
  return state === 'verified' ? 'provenance ✓' : state === 'unsigned' ? 'provenance unsigned' : state === 'not-looked-up' ? 'provenance not looked up' : `provenance ${state}`;
}

/** The weakest provenance among an image's references; undefined when none was looked up. */
function weakestProvenance(states: readonly (ProvenanceState | undefined)[]): ProvenanceState | undefined {
  let worst: ProvenanceState | undefined;
  for (const s of states) if (s !== undefined && (worst === undefined || PROVENANCE_RANK[s] < PROVENANCE_RANK[worst])) worst = s;
  return worst;
}
