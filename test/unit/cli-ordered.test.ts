// cli/ordered.ts: files checked concurrently, results and output in file order whatever order they finish in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inOrder } from '../../server/src/cli/ordered';

const tick = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n));

function sink(): { out: { stdout: (s: string) => void; stderr: (s: string) => void }; log: string[] } {
  const log: string[] = [];
  return { out: { stdout: (s) => log.push(`out:${s}`), stderr: (s) => log.push(`err:${s}`) }, log };
}

test('results and output come in item order although later items finish first', async () => {
  // Item i finishes after (n - i) ticks: the reverse of the input order.
  const items = [0, 1, 2, 3, 4, 5, 6, 7];
  const finished: number[] = [];
  const { out, log } = sink();
  const results = await inOrder(
    items,
    8,
    out,
    async (i, _index, o) => {
      o.stderr(`start ${i}`);
      await tick((items.length - i) * 5);
      o.stdout(`end ${i}`);
      finished.push(i);
      return i * 10;
    },
    () => -1,
  );
  assert.notDeepEqual(finished, items, 'the items really finished out of order');
  assert.deepEqual(results, [0, 10, 20, 30, 40, 50, 60, 70]);
  assert.deepEqual(
    log,
    items.flatMap((i) => [`err:start ${i}`, `out:end ${i}`]),
  );
});

test('at most `limit` items are in flight', async () => {
  let inFlight = 0;
  let max = 0;
  const { out } = sink();
  await inOrder(
    Array.from({ length: 40 }, (_, i) => i),
    3,
    out,
    async (i) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await tick(i % 4);
      inFlight--;
      return i;
    },
    () => -1,
  );
  assert.equal(max, 3);
});

test('one item that fails is reported for itself; the others keep their results and output', async () => {
  const { out, log } = sink();
  const results = await inOrder(
    ['a', 'bad', 'c'],
    3,
    out,
    async (s, _i, o) => {
      await tick(s === 'c' ? 0 : 5);
      if (s === 'bad') throw new Error('boom');
      o.stdout(s);
      return s.toUpperCase();
    },
    (s, err, o) => {
      o.stderr(`${s}: ${(err as Error).message}`);
      return 'FAILED';
    },
  );
  assert.deepEqual(results, ['A', 'FAILED', 'C']);
  assert.deepEqual(log, ['out:a', 'err:bad: boom', 'out:c']);
});

test('no items: no work, no output', async () => {
  const { out, log } = sink();
  assert.deepEqual(await inOrder([], 16, out, () => Promise.reject(new Error('never')), () => 0), []);
  assert.deepEqual(log, []);
});

test('an item that becomes the first one while running writes its held output before what it writes next', async () => {
  const { out, log } = sink();
  await inOrder(
    [0, 1],
    2,
    out,
    async (i, _index, o) => {
      if (i === 0) {
        await tick(5);
        o.stdout('zero');
        return i;
      }
      o.stdout('one before');
      await tick(20);
      o.stdout('one after');
      return i;
    },
    () => -1,
  );
  assert.deepEqual(log, ['out:zero', 'out:one before', 'out:one after']);
});
