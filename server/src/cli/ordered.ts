// Checks files concurrently while keeping the run's output as if they were checked one after another: each file writes
// into its own buffer, and buffers are written out in the files' order as soon as every file before has finished.

/** Where one file's output goes while it is being checked. */
export interface FileOutput {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

type Chunk = { readonly stream: 'stdout' | 'stderr'; readonly text: string };

/**
 * Runs `work` over `items` with at most `limit` in flight. Results come back in item order, and each item's output
 * reaches `out` in item order, whatever order the items finish in. A rejected `work` becomes `failed(item, error)`
 * for that item alone: it never takes the other items' results with it.
 */
export async function inOrder<T, R>(
  items: readonly T[],
  limit: number,
  out: FileOutput,
  work: (item: T, index: number, out: FileOutput) => Promise<R>,
  failed: (item: T, error: unknown, out: FileOutput) => R,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  const buffers: Chunk[][] = items.map(() => []);
  const done: boolean[] = items.map(() => false);
  let flushed = 0;
  let next = 0;

  // Writes out the head item's output so far; past every finished item, the next one becomes the head.
  const flush = (): void => {
    while (flushed < items.length) {
      const b = buffers[flushed] as Chunk[];
      for (const c of b) out[c.stream](c.text);
      b.length = 0;
      if (done[flushed] !== true) return;
      flushed++;
    }
  };

  const one = async (index: number): Promise<void> => {
    const item = items[index] as T;
    const buffer = buffers[index] as Chunk[];
    // The item at the head writes straight through; later ones hold their output until it is their turn.
    const write =
      (stream: Chunk['stream']) =>
      (text: string): void => {
        if (flushed === index) out[stream](text);
        else buffer.push({ stream, text });
      };
    const own: FileOutput = { stdout: write('stdout'), stderr: write('stderr') };
    try {
      results[index] = await work(item, index, own);
    } catch (err) {
      results[index] = failed(item, err, own);
    }
    done[index] = true;
    flush();
  };

  const lane = async (): Promise<void> => {
    while (next < items.length) await one(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
