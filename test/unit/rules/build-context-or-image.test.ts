import { ruleTable } from '../../support/ruleTable';

ruleTable('build-context-or-image', [
  { name: 'bare name that is no stage', dockerfile: 'FROM scratch\nCOPY --from=templates /a /b\n', lines: [2], messages: ['named build context'] },
  { name: 'RUN --mount from a bare name', dockerfile: 'FROM scratch\nRUN --mount=from=assets,target=/a true\n', lines: [2] },
  { name: 'a later stage is a stage', dockerfile: 'FROM scratch\nCOPY --from=later /a /b\nFROM alpine:3@sha256:' + 'a'.repeat(64) + ' AS later\n', lines: [] },
  { name: 'image with tag is an image, not a context', dockerfile: 'FROM scratch\nCOPY --from=nginx:1.27 /a /b\n', lines: [] },
  { name: 'earlier stage', dockerfile: 'FROM alpine:3@sha256:' + 'a'.repeat(64) + ' AS build\nFROM scratch\nCOPY --from=build /a /b\n', lines: [] },
]);
