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

test('BEGIN repeated without END: nothing is read, and the scan ends (a lazy regexp was quadratic: 25 s for 0.9 MB)', { timeout: 60_000 }, () => {
  // The scan's growth with the input is measured by `npm run bench` (pathological inputs, case pem).
  assert.deepEqual(pemToDerB64(`${BEGIN}\n`.repeat((4 << 20) / 28)), []);
});
