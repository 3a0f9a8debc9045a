import { ruleTable } from '../../support/ruleTable';

ruleTable('base-image-latest', [
  { name: 'no tag', dockerfile: 'FROM ubuntu\n', lines: [1], messages: ['has no tag'], covers: ['ubuntu'] },
  { name: 'latest tag', dockerfile: 'FROM ubuntu:latest\n', lines: [1], messages: ['uses the latest tag'] },
  { name: 'latest with a digest is pinned', dockerfile: 'FROM ubuntu:latest@sha256:' + 'a'.repeat(64) + '\n', lines: [] },
  { name: 'version tag is the other rule', dockerfile: 'FROM ubuntu:24.04\n', lines: [] },
  { name: 'ARG default without tag', dockerfile: 'ARG BASE=ubuntu\nFROM ${BASE}\n', lines: [2], messages: ['(= ubuntu)'] },
  { name: 'ARG default with latest after resolution', dockerfile: 'ARG TAG=latest\nFROM redis:$TAG\n', lines: [2] },
  { name: 'ARG with ${VAR:-default}', dockerfile: 'ARG TAG\nFROM redis:${TAG:-latest}\n', lines: [2] },
  { name: 'build-arg override to a version', dockerfile: 'ARG TAG=latest\nFROM redis:$TAG\n', lines: [], options: { buildArgs: { TAG: '7.4' } } },
  { name: 'scratch is no image', dockerfile: 'FROM scratch\n', lines: [] },
  { name: 'earlier stage is no image', dockerfile: 'FROM golang:1.22@sha256:' + 'b'.repeat(64) + ' AS build\nFROM build\n', lines: [] },
  { name: 'stage names are case-insensitive', dockerfile: 'FROM golang:1.22@sha256:' + 'b'.repeat(64) + ' AS Build\nFROM build\n', lines: [] },
  { name: 'registry host without tag', dockerfile: 'FROM ghcr.io/acme/tool\n', lines: [1] },
  { name: 'IPv6 registry host', dockerfile: 'FROM [::1]:5000/x\n', lines: [1] },
  { name: 'COPY --from with latest', dockerfile: 'FROM scratch\nCOPY --from=nginx:latest /a /b\n', lines: [2] },
  { name: 'automatic platform ARG resolves to a stage', dockerfile: 'FROM alpine:3.20@sha256:' + 'c'.repeat(64) + ' AS base-amd64\nFROM base-$TARGETARCH\n', lines: [] },
]);
