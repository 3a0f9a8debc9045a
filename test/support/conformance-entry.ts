// Test-only process entry for `conformance …` until the lead wires runConformance into server/src/cli/main.ts.
import { runConformance } from '../../server/src/cli/conformance';

runConformance(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 3;
  },
);
