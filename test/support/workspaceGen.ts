// A generated monorepo of Dockerfiles for inventory tests and the benchmark: nested service folders, a pool of images
// (a few hundred distinct references, each used by many files), copies of the same file, unresolved ARGs, multi-stage
// builds. Deterministic for a given size.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface GeneratedWorkspace {
  readonly root: string;
  /** Relative paths, sorted. */
  readonly files: readonly string[];
  /** Per relative path, what the file uses: the external references (canonical-ish text as written) and unresolved uses. */
  readonly expected: ReadonlyMap<string, { readonly images: readonly string[]; readonly unresolved: number }>;
  /** Distinct texts among the files (copies are common in monorepos). */
  readonly distinctTexts: number;
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

const REGISTRIES = ['', 'ghcr.io/acme/', 'registry.example.com/platform/', 'quay.io/team/'];
const TAGS = ['1', '2.1', '3.4.5'];

/** `images` distinct references: repositories × tags. */
function pool(images: number, registries: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < images; i++) {
    const reg = registries[i % registries.length] as string;
    const repo = `${reg}svc${Math.floor(i / TAGS.length)}`;
    out.push(`${repo}:${TAGS[i % TAGS.length] as string}`);
  }
  return out;
}

export interface WorkspaceOptions {
  readonly images?: number;
  readonly seed?: number;
  /** Registry prefixes of the image pool (default: Docker Hub and three others), e.g. `['127.0.0.1:5000/bench/']`. */
  readonly registries?: readonly string[];
  /** The `# syntax=` frontend image (default `docker/dockerfile:1`); null = no syntax line. */
  readonly syntax?: string | null;
  /** Whether some FROMs carry a (made-up, per-file) digest (default true); false keeps the distinct references to the pool. */
  readonly pins?: boolean;
}

export function generateWorkspace(root: string, files: number, opts: WorkspaceOptions = {}): GeneratedWorkspace {
  const next = rng(opts.seed ?? 42);
  const images = pool(opts.images ?? 300, opts.registries ?? REGISTRIES);
  const syntax = opts.syntax === undefined ? 'docker/dockerfile:1' : opts.syntax;
  const pick = (): string => images[Math.floor(next() * images.length)] as string;
  const rel: string[] = [];
  const expected = new Map<string, { images: string[]; unresolved: number }>();
  const texts = new Set<string>();
  let previous: { text: string; images: string[]; unresolved: number } | null = null;
  for (let i = 0; i < files; i++) {
    const p = path.join(`team${i % 20}`, `service-${Math.floor(i / 20)}`, i % 7 === 0 ? 'Dockerfile.dev' : 'Dockerfile');
    let text: string;
    let used: string[];
    let unresolved = 0;
    if (previous !== null && next() < 0.1) {
      // A copy of the file before it (templates copied across services).
      ({ text, images: used, unresolved } = previous);
    } else {
      const stages = 1 + Math.floor(next() * 3);
      const lines: string[] = [...(syntax !== null ? [`# syntax=${syntax}`] : []), 'ARG BASE'];
      used = syntax !== null ? [syntax] : [];
      for (let s = 0; s < stages; s++) {
        if (next() < 0.05) {
          lines.push(`FROM \${BASE} AS stage${s}`);
          unresolved++;
        } else {
          const img = pick();
          const pinned = next() < 0.3 && opts.pins !== false ? `@sha256:${(i * 31 + s).toString(16).padStart(64, '0')}` : '';
          lines.push(`FROM ${img}${pinned} AS stage${s}`);
          used.push(img + pinned);
        }
        lines.push('WORKDIR /app', 'RUN echo build && make -j4', `COPY . /app/${s}`);
        if (s > 0) lines.push(`COPY --from=stage${s - 1} /app /app`);
      }
      if (next() < 0.3) {
        const img = pick();
        lines.push(`COPY --from=${img} /usr/bin/tool /usr/bin/tool`);
        used.push(img);
      }
      lines.push('CMD ["/app/run"]', '');
      text = lines.join('\n');
      previous = { text, images: used, unresolved };
    }
    fs.mkdirSync(path.join(root, path.dirname(p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), text);
    rel.push(p);
    texts.add(text);
    expected.set(p, { images: [...used], unresolved });
  }
  return { root, files: rel.sort(), expected, distinctTexts: texts.size };
}
