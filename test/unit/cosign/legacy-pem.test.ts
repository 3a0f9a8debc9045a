// Issue 12 #8: certificate annotations are read in one linear pass, however hostile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pemToDerB64 } from '../../../server/src/trust/cosign/legacy';

const BEGIN = '-----BEGIN CERTIFICATE-----';
const END = '-----END CERTIFICATE-----';

test('PEM chains: well-formed certificates are read in order, whitespace removed, at most 10', () => {
  const pem = `${BEGIN}\nQUJD\nREVG\n${END}\njunk\n${BEGIN}\r\nR0hJ\r\n${END}\n`;
  assert.deepEqual(pemToDerB64(pem), ['QUJDREVG', 'R0hJ']);
  assert.equal(pemToDerB64(`${BEGIN}\nQQ==\n${END}\n`.repeat(50)).length, 10);
  // A BEGIN without its END ends the scan; what came before stays.
  assert.deepEqual(pemToDerB64(`${BEGIN}\nQQ==\n${END}\n${BEGIN}\nno end`), ['QQ==']);
  assert.deepEqual(pemToDerB64(''), []);
});

/** Median of a few timings of `fn`, in ms. */
function time(fn: () => void): number {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    fn();
    runs.push(performance.now() - t0);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

test('BEGIN repeated without END: work grows linearly with the input (a lazy regexp was quadratic: 25 s for 0.9 MB)', () => {
  const small = `${BEGIN}\n`.repeat((1 << 20) / 28);
  const big = `${BEGIN}\n`.repeat((4 << 20) / 28);
  assert.deepEqual(pemToDerB64(big), []);
  const ts = Math.max(time(() => pemToDerB64(small)), 20);
  const tb = time(() => pemToDerB64(big));
  // 4x the input: linear is ~4x; quadratic would be ~16x. The 20 ms floor keeps timer noise from faking a ratio.
  assert.ok(tb / ts < 8, `4 MiB took ${tb.toFixed(1)} ms, 1 MiB ${ts.toFixed(1)} ms`);
});
