// Pathological Dockerfiles for the download analysis (unit test and `npm run bench`): size n scales the input linearly.

/** RUN <<EOF with n script lines (one fetch every 100 lines). */
export function heredocDockerfile(n: number): string {
  const l = ['FROM alpine:3.20', 'RUN <<EOF'];
  for (let i = 0; i < n; i++) l.push(i % 100 === 0 ? `curl -fsSLo f${i} https://example.com/f${i}` : `echo "line ${i}" $X`);
  l.push('EOF');
  return l.join('\n') + '\n';
}

/** One RUN with n commands chained by && (one fetch every 100). */
export function chainDockerfile(n: number): string {
  const p: string[] = [];
  for (let i = 0; i < n; i++) p.push(i % 100 === 0 ? `curl -fsSLo f${i} https://example.com/f${i}` : `echo ${i}`);
  return `FROM alpine:3.20\nRUN ${p.join(' && ')}\n`;
}

/** One RUN with n nested command substitutions, each fetching (only the first 16 levels are analyzed). */
export function nestedDockerfile(n: number): string {
  return `FROM alpine:3.20\nRUN echo ${'$(curl -fsSL https://example.com/v '.repeat(n)}x${')'.repeat(n)}\n`;
}
