// Generates realistic Dockerfiles of a given line count for the benchmark (deterministic, no randomness).

/** The BuildKit frontend the generated files name in their `# syntax=` line. */
export const SYNTAX_IMAGE = 'docker/dockerfile:1.7';
export const IMAGES = ['golang:1.22-bookworm', 'node:20-alpine', 'python:3.12-slim', 'debian:bookworm-slim', 'ubuntu:22.04', 'alpine:3.19', 'rust:1.78'];
const TOOLS = ['kubectl', 'helm', 'terraform', 'yq', 'jq', 'buf', 'protoc', 'golangci-lint', 'shellcheck', 'hadolint'];

export interface GenOptions {
  /** Registry host (host:port) every base image is written on, e.g. a local docker-registry; default: Docker Hub names. */
  readonly registry?: string;
}

/** A base image as the generated files write it. */
export function imageRef(image: string, o: GenOptions = {}): string {
  return o.registry === undefined ? image : `${o.registry}/${image}`;
}

/** One build stage of roughly 60 lines: ARGs, apt with a long continuation, downloads, copies, a heredoc. */
function stage(i: number, o: GenOptions): string[] {
  const image = imageRef(IMAGES[i % IMAGES.length] ?? 'alpine:3.19', o);
  const tool = TOOLS[i % TOOLS.length] ?? 'jq';
  const prev = i > 0 ? `stage${i - 1}` : null;
  const out: string[] = [
    `# ---- stage ${i}: build ${tool} ----`,
    i % 3 === 0 ? `FROM --platform=$BUILDPLATFORM ${image} AS stage${i}` : `FROM ${image} AS stage${i}`,
    `ARG ${tool.toUpperCase().replace(/-/g, '_')}_VERSION=1.${i % 30}.${i % 7}`,
    'ARG TARGETARCH',
    `ENV PATH=/opt/${tool}/bin:$PATH \\`,
    `    ${tool.toUpperCase().replace(/-/g, '_')}_HOME=/opt/${tool}`,
    'WORKDIR /src',
    'RUN set -eux; \\',
    '    apt-get update; \\',
    '    apt-get install -y --no-install-recommends \\',
    '        ca-certificates \\',
    '        curl \\',
    '        git \\',
    '        gnupg \\',
    '        make \\',
    '        xz-utils \\',
    '    ; \\',
    '    rm -rf /var/lib/apt/lists/*',
    '',
    `RUN curl -fsSL -o /tmp/${tool}.tar.gz "https://github.com/example/${tool}/releases/download/v\${${tool.toUpperCase().replace(/-/g, '_')}_VERSION}/${tool}-linux-\${TARGETARCH}.tar.gz" \\`,
    `    && echo "4b825dc642cb6eb9a060e54bf8d69288fbee4904b825dc642cb6eb9a060e54bf  /tmp/${tool}.tar.gz" | sha256sum -c - \\`,
    `    && tar -xzf /tmp/${tool}.tar.gz -C /usr/local/bin \\`,
    `    && rm /tmp/${tool}.tar.gz`,
    '',
    `RUN wget -q https://example.com/downloads/${tool}-${i}.sh -O /tmp/install.sh && sh /tmp/install.sh`,
    'COPY go.mod go.sum ./',
    'RUN --mount=type=cache,target=/root/.cache \\',
    '    # comment inside a continuation',
    '    go mod download',
    'COPY . .',
  ];
  if (prev !== null) out.push(`COPY --from=${prev} /usr/local/bin/ /usr/local/bin/`);
  out.push(
    `RUN <<EOF`,
    'set -eu',
    `echo "building ${tool}"`,
    'make build',
    'make test',
    'EOF',
    '',
    'RUN set -eux; \\',
    '    for f in a b c d e; do \\',
    '        echo "$f" >> /tmp/list; \\',
    '    done; \\',
    '    if [ -f /tmp/list ]; then \\',
    '        cat /tmp/list | sort | uniq > /tmp/sorted; \\',
    '    fi',
    `LABEL org.opencontainers.image.title="${tool}" \\`,
    `      org.opencontainers.image.version="1.${i}"`,
    'EXPOSE 8080',
    'USER 65532:65532',
    `HEALTHCHECK CMD ["/usr/local/bin/${tool}", "--version"]`,
    `ENTRYPOINT ["/usr/local/bin/${tool}"]`,
    '',
  );
  return out;
}

/** A Dockerfile of exactly `lines` lines (the last stage is cut at a complete instruction and padded with comments). */
export function generateDockerfile(lines: number, o: GenOptions = {}): string {
  const out: string[] = [`# syntax=${imageRef(SYNTAX_IMAGE, o)}`, 'ARG BASE_REGISTRY=docker.io', 'ARG GO_VERSION=1.22', ''];
  for (let i = 0; out.length < lines; i++) out.push(...stage(i, o));
  return cut(out, lines).join('\n') + '\n';
}

/** Exactly `lines` lines of one stage (named `paste<i>`, built on an image of the set), as a block someone pastes. */
export function stageBlock(lines: number, i: number, o: GenOptions = {}): string {
  const out = stage(i, o).map((l) => l.replace(` AS stage${i}`, ` AS paste${i}`).replace(`--from=stage${i - 1}`, '--from=stage0'));
  while (out.length < lines) out.push(...stage(i + 1, o).slice(7));
  return cut(out, lines).join('\n') + '\n';
}

/** Cut to `lines` at a complete instruction (never inside a continuation or heredoc), padded with comments. */
function cut(lines: string[], n: number): string[] {
  const out = lines.slice(0, n);
  while (out.length > 0 && ((out[out.length - 1] ?? '').endsWith('\\') || openHeredoc(out))) out.pop();
  while (out.length < n) out.push('# padding');
  return out;
}

function openHeredoc(lines: readonly string[]): boolean {
  let open = false;
  for (const l of lines) {
    if (!open && /^RUN <<EOF\s*$/.test(l)) open = true;
    else if (open && l === 'EOF') open = false;
  }
  return open;
}

