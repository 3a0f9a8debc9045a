// Test support: the one trust policy built the way the composition root builds it (policy file and key files read
// through the stores), in the shape the tests assert on.
import { readPolicyFile, fileKeyReader } from '../../server/src/stores/policyFiles';
import { buildTrustPolicy, type TrustPolicy } from '../../server/src/trust/policy';

export { matchPolicy, type TrustPolicy as Policy } from '../../server/src/trust/policy';

export type PolicyLoad = { readonly ok: true; readonly policy: TrustPolicy } | { readonly ok: false; readonly errors: readonly string[] };

function result(p: TrustPolicy): PolicyLoad {
  return p.problems.length > 0 ? { ok: false, errors: p.problems } : { ok: true, policy: p };
}

/** A policy file, as `--policy FILE` / `dockerfileTrust.trust.policyFile` load it. */
export function loadPolicyFile(path: string): PolicyLoad {
  return result(buildTrustPolicy({ settingsEntries: [], settingsNotaryServers: {}, file: readPolicyFile(path), readKey: fileKeyReader }));
}

/** A parsed policy document (key paths relative to `baseDir`). */
export function parsePolicy(doc: unknown, baseDir = '/'): PolicyLoad {
  return result(buildTrustPolicy({ settingsEntries: [], settingsNotaryServers: {}, file: { path: 'policy.json', doc, baseDir }, readKey: fileKeyReader }));
}
