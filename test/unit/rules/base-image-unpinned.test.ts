import { ruleTable } from '../../support/ruleTable';

ruleTable('base-image-unpinned', [
  { name: 'tag without digest', dockerfile: 'FROM node:22-alpine\n', lines: [1], covers: ['node:22-alpine'], messages: ['node:22-alpine is not pinned'] },
  { name: 'digest pinned', dockerfile: 'FROM node:22@sha256:' + 'a'.repeat(64) + '\n', lines: [] },
  { name: 'digest only', dockerfile: 'FROM node@sha256:' + 'b'.repeat(64) + '\n', lines: [] },
  { name: 'latest is the other rule', dockerfile: 'FROM node:latest\nFROM node\n', lines: [] },
  { name: 'registry with port', dockerfile: 'FROM localhost:5000/team/app:1.2\n', lines: [1], covers: ['localhost:5000/team/app:1.2'] },
  { name: 'platform flag and alias', dockerfile: 'FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n', lines: [1], covers: ['golang:1.22'] },
  { name: 'ARG in tag only', dockerfile: 'ARG V=3.20\nFROM alpine:${V}\n', lines: [2], covers: ['alpine:${V}'], messages: ['(= alpine:3.20)'] },
  { name: 'ARG overridden with a pinned reference', dockerfile: 'ARG IMG=alpine:3.20\nFROM $IMG\n', lines: [], options: { buildArgs: { IMG: 'alpine:3.20@sha256:' + 'c'.repeat(64) } } },
  { name: 'stage alias shadows an image name', dockerfile: 'FROM alpine:3.20 AS alpine\nFROM alpine\nCOPY --from=alpine /a /b\n', lines: [1] },
  { name: 'COPY --from=0 is a stage index', dockerfile: 'FROM busybox:1.36@sha256:' + 'd'.repeat(64) + '\nFROM scratch\nCOPY --from=0 /bin/sh /sh\n', lines: [] },
  { name: 'COPY --from an external image', dockerfile: 'FROM scratch\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n', lines: [2], covers: ['nginx:1.27'] },
  { name: 'RUN --mount from an external image', dockerfile: 'FROM scratch\nRUN --mount=type=bind,from=busybox:1.36,target=/b /b/sh -c true\n', lines: [2], covers: ['busybox:1.36'] },
  { name: 'syntax directive frontend', dockerfile: '# syntax=docker/dockerfile:1.7\nFROM scratch\n', lines: [1], covers: ['docker/dockerfile:1.7'] },
  { name: 'ONBUILD COPY --from an image', dockerfile: 'FROM scratch\nONBUILD COPY --from=alpine:3.20 /a /b\n', lines: [2], messages: ['ONBUILD COPY --from'] },
  {
    name: 'Windows escape directive with backtick continuation',
    dockerfile: '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n  AS base\nRUN dir C:\\\nFROM mcr.microsoft.com/powershell:lts-nanoserver-1809\n',
    lines: [2, 5],
  },
  {
    name: 'continuation with a comment line inside',
    dockerfile: 'FROM \\\n# a comment inside the continuation\n  python:3.12-slim \\\n  AS app\n',
    lines: [3],
    covers: ['python:3.12-slim'],
  },
  {
    name: 'heredoc body is not an instruction',
    dockerfile: 'FROM debian:12@sha256:' + 'e'.repeat(64) + '\nRUN <<EOF\nFROM ubuntu:24.04\nEOF\nFROM ubuntu:22.04\n',
    lines: [5],
  },
  { name: 'suppressed on the line above', dockerfile: '# dockerfile-trust ignore=base-image-unpinned\nFROM node:22\n', lines: [] },
  { name: 'suppression of another rule does not apply', dockerfile: '# dockerfile-trust ignore=base-image-latest\nFROM node:22\n', lines: [2] },
  { name: 'severity off disables the rule', dockerfile: 'FROM node:22\n', lines: [], options: { severities: { 'base-image-unpinned': 'off' } } },
  { name: 'lowercase instruction', dockerfile: 'from node:22\n', lines: [1] },
  { name: 'CRLF line endings', dockerfile: 'FROM scratch\r\nFROM node:22\r\n', lines: [2], covers: ['node:22'] },
]);
