import { ruleTable } from '../../support/ruleTable';

const hex = 'a'.repeat(64);
ruleTable('base-image-digest-malformed', [
  { name: 'short digest', dockerfile: 'FROM alpine@sha256:abc123\n', lines: [1], messages: ['must have 64 hex digits, this one has 6'] },
  { name: 'uppercase hex', dockerfile: `FROM alpine@sha256:${hex.toUpperCase()}\n`, lines: [1], messages: ['lowercase'] },
  { name: 'unknown algorithm', dockerfile: `FROM alpine@md5:${hex.slice(0, 32)}\n`, lines: [1], messages: ['unsupported digest algorithm "md5"'] },
  { name: 'no algorithm', dockerfile: `FROM alpine@${hex}\n`, lines: [1] },
  { name: 'non-hex characters', dockerfile: `FROM alpine:3@sha256:${'g'.repeat(64)}\n`, lines: [1], messages: ['not hexadecimal'] },
  { name: 'sha512 with the right length', dockerfile: `FROM alpine@sha512:${'f'.repeat(128)}\n`, lines: [] },
  { name: 'sha256 correct', dockerfile: `FROM alpine:3.20@sha256:${hex}\n`, lines: [] },
  { name: 'in COPY --from', dockerfile: 'FROM scratch\nCOPY --from=alpine@sha256:1234 /a /b\n', lines: [2] },
  { name: 'from an ARG default', dockerfile: 'ARG D=sha256:12\nFROM alpine@${D}\n', lines: [2] },
]);
