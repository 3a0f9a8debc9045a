import { ruleTable } from '../../support/ruleTable';

ruleTable('base-image-unresolved', [
  { name: 'ARG without default', dockerfile: 'ARG BASE\nFROM $BASE\n', lines: [2], messages: ['$BASE has no default value'] },
  { name: 'undeclared variable', dockerfile: 'FROM ${IMAGE}:1.0\n', lines: [1] },
  { name: 'ARG with default', dockerfile: 'ARG BASE=alpine:3.20\nFROM $BASE\n', lines: [] },
  { name: 'ARG given by build-arg override', dockerfile: 'ARG BASE\nFROM $BASE\n', lines: [], options: { buildArgs: { BASE: 'alpine:3.20' } } },
  { name: 'stage ARG is not visible to FROM', dockerfile: 'FROM scratch\nARG X=alpine\nFROM $X\n', lines: [3] },
  { name: 'global ARG redeclared in a stage is visible to COPY --from', dockerfile: 'ARG SRC=alpine:3.20\nFROM scratch\nARG SRC\nCOPY --from=$SRC /a /b\n', lines: [] },
  { name: 'automatic platform ARGs resolve', dockerfile: 'FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4 AS xx\nFROM xx-$TARGETOS\n', lines: [] },
]);
