// Fills the inventory from the workspace, without VS Code (the extension and the benchmark give it their I/O): every
// Dockerfile, in path order, read in batches and sent in batches (the tree fills as they arrive); a file whose stamp
// did not change is not read again, and the server analyses each distinct text once; each distinct image is asked
// about once. A file limit, when set, is applied in path order and says what it left out, folder by folder.
import type { ImageState, InventoryUse } from '../../server/src/protocol';
import { InventoryModel } from './inventoryModel';

export interface InventoryIO {
  /** Every Dockerfile of the workspace (URIs as strings), any order. */
  list(): Promise<readonly string[]>;
  /** What changes when the file changes (mtime and size, or an open document's version); null: unknown, read it. */
  stamp(uri: string): Promise<string | null>;
  /** The file's text; null when unreadable (said elsewhere). */
  read(uri: string): Promise<string | null>;
  uses(files: readonly { uri: string; text: string }[]): Promise<readonly { uri: string; uses: readonly InventoryUse[] }[] | null>;
  states(references: readonly string[], lookup: boolean): Promise<readonly ImageState[] | null>;
}

export interface LoaderOptions {
  /** At most this many files (in path order); 0 = all of them. Read at each load (it is a setting). */
  readonly maxFiles: () => number;
  /** Files per request. */
  readonly batch?: number;
  /** Files read at once. */
  readonly readConcurrency?: number;
  /** References per state request. */
  readonly stateBatch?: number;
  /** Something new to show (called often while loading: throttle the rendering). */
  readonly onChange: () => void;
}

export interface InventoryNote {
  readonly text: string;
  /** Details under it (the folders a limit left out). */
  readonly children: readonly string[];
}

const MAX_LISTED_FOLDERS = 200;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function folderOf(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i >= 0 ? uri.slice(0, i + 1) : uri;
}

export class InventoryLoader {
  readonly model = new InventoryModel();
  /** What the view says above the images: limits and what they left out. */
  notes: InventoryNote[] = [];
  /** True while a full load runs. */
  loading = false;
  private readonly stamps = new Map<string, string>();
  private generation = 0;

  constructor(
    private readonly io: InventoryIO,
    private readonly options: LoaderOptions,
  ) {}

  /** Lists the workspace again and brings every file up to date; `lookup`: then look every image up (once each). */
  async reload(lookup: boolean, reread = false): Promise<void> {
    const gen = ++this.generation;
    // Settings changed (build args, platform): send every file again; the server's cache still spares the unchanged.
    if (reread) this.stamps.clear();
    this.loading = true;
    try {
      const all = [...new Set(await this.io.list())].sort();
      if (gen !== this.generation) return;
      const max = this.options.maxFiles();
      const kept = max > 0 ? all.slice(0, max) : all;
      this.notes = max > 0 && all.length > max ? [limitNote(all.length, max, all.slice(max))] : [];
      const keep = new Set(kept);
      for (const uri of this.model.fileUris()) {
        if (!keep.has(uri)) {
          this.model.deleteFile(uri);
          this.stamps.delete(uri);
        }
      }
      this.options.onChange();
      const batch = this.options.batch ?? 100;
      for (let i = 0; i < kept.length; i += batch) {
        await this.load(kept.slice(i, i + batch), gen, false);
        if (gen !== this.generation) return;
      }
      await this.refreshStates(lookup, gen);
    } finally {
      if (gen === this.generation) {
        this.loading = false;
        this.options.onChange();
      }
    }
  }

  /** Files that changed (saved, created, new diagnostics): only they are read and sent again. */
  async update(uris: readonly string[]): Promise<void> {
    const gen = this.generation;
    const max = this.options.maxFiles();
    // A new file joins while the limit has room (the next full load puts the limit back in path order).
    const known = uris.filter((u) => this.model.hasFile(u) || max === 0 || this.model.fileUris().length < max);
    await this.load(known, gen, true);
  }

  /** A deleted file leaves at once (no read attempt, no warning). */
  forget(uri: string): boolean {
    this.stamps.delete(uri);
    return this.model.deleteFile(uri);
  }

  /** What is known about the images (no lookups): after new diagnostics, a settings change, answers. */
  async refreshAllStates(): Promise<void> {
    await this.refreshStates(false, this.generation);
  }

  /** Reads and sends the files that changed; `again`: ask about all their images (new answers), else only images not asked about yet. */
  private async load(uris: readonly string[], gen: number, again: boolean): Promise<void> {
    const read = await mapLimit(uris, this.options.readConcurrency ?? 16, async (uri) => {
      const stamp = await this.io.stamp(uri);
      if (stamp !== null && this.stamps.get(uri) === stamp && this.model.hasFile(uri)) return null;
      const text = await this.io.read(uri);
      return { uri, text, stamp };
    });
    if (gen !== this.generation) return;
    const files: { uri: string; text: string }[] = [];
    for (const r of read) {
      if (r === null) continue;
      if (r.text === null) {
        this.forget(r.uri);
        continue;
      }
      files.push({ uri: r.uri, text: r.text });
      if (r.stamp !== null) this.stamps.set(r.uri, r.stamp);
      else this.stamps.delete(r.uri);
    }
    if (files.length > 0) {
      const answer = await this.io.uses(files);
      if (gen !== this.generation || answer === null) return;
      for (const f of answer) this.model.setFile(f.uri, f.uses);
    }
    // What the server knows already (no lookup) shows with the uses; each image is asked about once while loading.
    const refs = this.referencesOf(uris).filter((r) => again || this.model.state(r) === undefined);
    await this.askStates(refs, false, gen);
    this.options.onChange();
  }

  private async refreshStates(lookup: boolean, gen: number): Promise<void> {
    await this.askStates(this.model.references(), lookup, gen);
  }

  private async askStates(refs: readonly string[], lookup: boolean, gen: number): Promise<void> {
    const size = this.options.stateBatch ?? 200;
    for (let i = 0; i < refs.length; i += size) {
      const states = await this.io.states(refs.slice(i, i + size), lookup);
      if (gen !== this.generation) return;
      if (states !== null) this.model.setStates(states);
      this.options.onChange();
    }
  }

  /** The distinct references some files use. */
  private referencesOf(uris: readonly string[]): string[] {
    const out = new Set<string>();
    for (const uri of uris) for (const u of this.model.usesOf(uri)) if (u.canonical !== null) out.add(u.canonical);
    return [...out];
  }
}

/** "Showing 500 of 2,000 Dockerfiles …", with the folders left out under it. */
function limitNote(total: number, max: number, left: readonly string[]): InventoryNote {
  const folders = new Map<string, number>();
  for (const uri of left) folders.set(folderOf(uri), (folders.get(folderOf(uri)) ?? 0) + 1);
  const children = [...folders].slice(0, MAX_LISTED_FOLDERS).map(([f, n]) => `${decodeURIComponent(f.replace(/^file:\/\//, ''))} (${n} file${n === 1 ? '' : 's'} left out)`);
  if (folders.size > MAX_LISTED_FOLDERS) children.push(`… and ${folders.size - MAX_LISTED_FOLDERS} more folders`);
  return {
    text: `Showing ${max.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} Dockerfiles (dockerfileTrust.inventory.maxFiles); ${(total - max).toLocaleString('en-US')} left out in ${folders.size.toLocaleString('en-US')} folder${folders.size === 1 ? '' : 's'}`,
    children,
  };
}
