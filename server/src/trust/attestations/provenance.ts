// SLSA provenance v1 and v0.2 read into the few facts a person and a policy need: builder, build type, source, entry point.
//
// Build types read specially (each URI from its own documentation):
// - GitHub Actions workflow, v1: `https://actions.github.io/buildtypes/workflow/v1` (what actions/attest-build-provenance
//   emits), `https://github.com/actions/buildtypes/workflow/v1` (the spec's own spelling) and the older
//   `https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1`: externalParameters.workflow {repository, ref, path}.
// - slsa-github-generator and other GitHub v0.2 types (`https://github.com/slsa-framework/slsa-github-generator/…@v1`,
//   `https://github.com/Attestations/GitHubActionsWorkflow@v1`, npm's `https://github.com/npm/cli/gha/v2`):
//   invocation.configSource {uri: git+<repo>@<ref>, digest.sha1, entryPoint}.
// - BuildKit (moby/buildkit docs/attestations/slsa-definitions.md): v0.2 `https://mobyproject.org/buildkit@v1`,
//   v1 `https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md`; configSource for remote
//   contexts, else the `vcs` metadata, which the build client sends and BuildKit does not check.
import type { ProvenanceDependency, ProvenanceFacts, SourceOrigin } from './facts';
import { LIMITS, isObj, own, str, timestamp } from './hostile';

const GITHUB_WORKFLOW_TYPES = new Set([
  'https://actions.github.io/buildtypes/workflow/v1',
  'https://github.com/actions/buildtypes/workflow/v1',
  'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1',
]);
const BUILDKIT_TYPES = new Set(['https://mobyproject.org/buildkit@v1', 'https://github.com/moby/buildkit/blob/master/docs/attestations/slsa-definitions.md']);
const BUILDKIT_V02_METADATA = 'https://mobyproject.org/buildkit@v1#metadata';

type Family = ProvenanceFacts['buildFamily'];

function familyOf(buildType: string | undefined): Family {
  if (buildType === undefined) return 'other';
  if (GITHUB_WORKFLOW_TYPES.has(buildType)) return 'github-actions';
  if (BUILDKIT_TYPES.has(buildType)) return 'buildkit';
  if (
    buildType.startsWith('https://github.com/slsa-framework/slsa-github-generator/') ||
    buildType === 'https://github.com/Attestations/GitHubActionsWorkflow@v1' ||
    buildType.startsWith('https://github.com/npm/cli/gha/')
  )
    return 'slsa-github-generator';
  return 'other';
}

/**
 * A repository URL in one spelling for comparison: lower-case scheme and host, no `git+` prefix, no userinfo, no `.git`,
 * no trailing slash. GitHub and GitLab names are case-insensitive, so their paths are lower-cased too. Undefined for
 * anything that is not an http(s) or ssh URL with a path.
 */
export function normaliseRepository(uri: string): string | undefined {
  let u = uri.startsWith('git+') ? uri.slice(4) : uri;
  if (/^git@[^:/]+:/.test(u)) u = `ssh://${u.replace(':', '/')}`;
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'ssh:'].includes(parsed.protocol) || parsed.search || parsed.hash) return undefined;
  let path = parsed.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  if (path === '' || path === '/') return undefined;
  const host = parsed.host.toLowerCase();
  if (host === 'github.com' || host === 'gitlab.com') path = path.toLowerCase();
  return `${parsed.protocol === 'ssh:' ? 'https:' : parsed.protocol}//${host}${path}`;
}

/**
 * `git+https://github.com/org/app@refs/heads/main` (SPDX download location, used by GitHub) or
 * `https://github.com/org/app.git#refs/tags/v1` (BuildKit) → repository and ref.
 */
export function splitSourceUri(uri: string): { repository?: string; ref?: string } {
  let base = uri;
  let ref: string | undefined;
  const hash = base.indexOf('#');
  if (hash >= 0) {
    ref = base.slice(hash + 1);
    base = base.slice(0, hash);
  }
  if (base.startsWith('git+')) {
    // The ref follows the first `@` after the host: repository paths carry none, refs may.
    const scheme = base.indexOf('://');
    const pathStart = scheme >= 0 ? base.indexOf('/', scheme + 3) : -1;
    const at = pathStart >= 0 ? base.indexOf('@', pathStart) : -1;
    if (at >= 0) {
      ref = ref ?? base.slice(at + 1);
      base = base.slice(0, at);
    }
  }
  const repository = normaliseRepository(base);
  const cleanRef = ref !== undefined ? str(ref) : undefined;
  return { ...(repository !== undefined ? { repository } : {}), ...(cleanRef !== undefined ? { ref: cleanRef } : {}) };
}

/** The strongest digest of a ResourceDescriptor / material, as `algorithm:hex`. */
function digestOf(d: unknown): string | undefined {
  if (!isObj(d)) return undefined;
  for (const alg of ['sha256', 'sha512', 'gitCommit', 'sha1']) {
    const v = own(d, alg);
    if (typeof v === 'string' && /^[0-9a-fA-F]{7,128}$/.test(v)) return `${alg}:${v.toLowerCase()}`;
  }
  return undefined;
}

function commitOf(d: unknown): string | undefined {
  const v = own(d, 'gitCommit') ?? own(d, 'sha1');
  return typeof v === 'string' && /^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$/.test(v) ? v.toLowerCase() : undefined;
}

function dependencies(list: unknown): { kept: ProvenanceDependency[]; count: number; firstGit?: { uri: string; commit?: string } } {
  if (!Array.isArray(list)) return { kept: [], count: 0 };
  const kept: ProvenanceDependency[] = [];
  let firstGit: { uri: string; commit?: string } | undefined;
  const n = Math.min(list.length, LIMITS.walk);
  for (let i = 0; i < n; i++) {
    const item = list[i];
    const uri = str(own(item, 'uri'));
    if (uri === undefined) continue;
    const digest = digestOf(own(item, 'digest'));
    if (kept.length < LIMITS.keptDependencies) kept.push({ uri, ...(digest !== undefined ? { digest } : {}) });
    if (!firstGit && (uri.startsWith('git+') || /\.git(#|$)/.test(uri))) {
      const commit = commitOf(own(item, 'digest'));
      firstGit = { uri, ...(commit !== undefined ? { commit } : {}) };
    }
  }
  return { kept, count: list.length, ...(firstGit ? { firstGit } : {}) };
}

function source(repository: string | undefined, ref: string | undefined, commit: string | undefined, from: SourceOrigin): ProvenanceFacts['source'] | undefined {
  if (repository === undefined && ref === undefined && commit === undefined) return undefined;
  return { ...(repository !== undefined ? { repository } : {}), ...(ref !== undefined ? { ref } : {}), ...(commit !== undefined ? { commit } : {}), from };
}

/** Reads a SLSA provenance predicate. Never throws; fields that are missing or hostile are simply absent. */
export function readProvenance(version: 'v1' | 'v0.2', predicate: unknown): ProvenanceFacts {
  return version === 'v1' ? readV1(predicate) : readV02(predicate);
}

function readV1(p: unknown): ProvenanceFacts {
  const bd = own(p, 'buildDefinition');
  const rd = own(p, 'runDetails');
  const buildType = str(own(bd, 'buildType'));
  const family = familyOf(buildType);
  const ext = own(bd, 'externalParameters');
  const deps = dependencies(own(bd, 'resolvedDependencies'));
  const md = own(rd, 'metadata');
  let src: ProvenanceFacts['source'];
  let entryPoint: string | undefined;
  if (family === 'github-actions') {
    const wf = own(ext, 'workflow');
    const repoRaw = str(own(wf, 'repository'));
    const repository = repoRaw !== undefined ? normaliseRepository(repoRaw) : undefined;
    const ref = str(own(wf, 'ref'));
    entryPoint = str(own(wf, 'path'));
    // The spec's resolved dependency for the workflow is `git+<repository>@<ref>`, with the commit as gitCommit.
    let commit: string | undefined;
    const list = own(bd, 'resolvedDependencies');
    if (Array.isArray(list) && repository !== undefined) {
      for (const d of list.slice(0, LIMITS.walk)) {
        const uri = str(own(d, 'uri'));
        if (uri === undefined) continue;
        const split = splitSourceUri(uri);
        if (split.repository === repository && (ref === undefined || split.ref === ref)) {
          commit = commitOf(own(d, 'digest'));
          if (commit) break;
        }
      }
    }
    src = source(repository, ref, commit, 'workflow');
  } else if (family === 'buildkit') {
    const cs = own(ext, 'configSource');
    entryPoint = str(own(cs, 'path'));
    src = buildkitSource(cs, own(own(md, 'buildkit_metadata'), 'vcs'));
  }
  if (!src && deps.firstGit) {
    const split = splitSourceUri(deps.firstGit.uri);
    src = source(split.repository, split.ref, deps.firstGit.commit, 'resolved-dependency');
  }
  const builderId = str(own(own(rd, 'builder'), 'id'));
  const invocationId = str(own(md, 'invocationId')) ?? str(own(md, 'invocationID'));
  const startedOn = timestamp(own(md, 'startedOn'));
  const finishedOn = timestamp(own(md, 'finishedOn'));
  return {
    kind: 'slsa-provenance',
    slsaVersion: 'v1',
    ...(buildType !== undefined ? { buildType } : {}),
    buildFamily: family,
    ...(builderId !== undefined ? { builderId } : {}),
    ...(src ? { source: src } : {}),
    ...(entryPoint !== undefined ? { entryPoint } : {}),
    ...(invocationId !== undefined ? { invocationId } : {}),
    ...(startedOn !== undefined ? { startedOn } : {}),
    ...(finishedOn !== undefined ? { finishedOn } : {}),
    dependencies: deps.kept,
    dependencyCount: deps.count,
  };
}

/** BuildKit: a remote (git) context is in configSource with its commit; a local one leaves only the client-sent vcs hint. */
function buildkitSource(configSource: unknown, vcs: unknown): ProvenanceFacts['source'] | undefined {
  const uri = str(own(configSource, 'uri'));
  if (uri !== undefined) {
    const split = splitSourceUri(uri);
    const commit = commitOf(own(configSource, 'digest'));
    const s = source(split.repository, split.ref, commit, 'config-source');
    if (s) return s;
  }
  const vcsSource = str(own(vcs, 'source'));
  const revision = str(own(vcs, 'revision'));
  const repository = vcsSource !== undefined ? normaliseRepository(vcsSource) : undefined;
  // A revision like `<sha>-dirty` names uncommitted changes: not a commit anyone can check out.
  const commit = revision !== undefined && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(revision) ? revision : undefined;
  return source(repository, undefined, commit, 'buildkit-vcs-hint');
}

function readV02(p: unknown): ProvenanceFacts {
  const buildType = str(own(p, 'buildType'));
  const family = familyOf(buildType);
  const inv = own(p, 'invocation');
  const cs = own(inv, 'configSource');
  const md = own(p, 'metadata');
  const deps = dependencies(own(p, 'materials'));
  let src: ProvenanceFacts['source'];
  const entryPoint = str(own(cs, 'entryPoint'));
  if (family === 'buildkit') {
    src = buildkitSource(cs, own(own(md, BUILDKIT_V02_METADATA), 'vcs'));
  } else {
    const uri = str(own(cs, 'uri'));
    if (uri !== undefined) {
      const split = splitSourceUri(uri);
      src = source(split.repository, split.ref, commitOf(own(cs, 'digest')), 'config-source');
    }
  }
  if (!src && deps.firstGit) {
    const split = splitSourceUri(deps.firstGit.uri);
    src = source(split.repository, split.ref, deps.firstGit.commit, 'resolved-dependency');
  }
  const builderId = str(own(own(p, 'builder'), 'id'));
  const invocationId = str(own(md, 'buildInvocationId')) ?? str(own(md, 'buildInvocationID'));
  const startedOn = timestamp(own(md, 'buildStartedOn'));
  const finishedOn = timestamp(own(md, 'buildFinishedOn'));
  return {
    kind: 'slsa-provenance',
    slsaVersion: 'v0.2',
    ...(buildType !== undefined ? { buildType } : {}),
    buildFamily: family,
    ...(builderId !== undefined ? { builderId } : {}),
    ...(src ? { source: src } : {}),
    ...(entryPoint !== undefined ? { entryPoint } : {}),
    ...(invocationId !== undefined ? { invocationId } : {}),
    ...(startedOn !== undefined ? { startedOn } : {}),
    ...(finishedOn !== undefined ? { finishedOn } : {}),
    dependencies: deps.kept,
    dependencyCount: deps.count,
  };
}
