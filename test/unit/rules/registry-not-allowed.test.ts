import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTable } from '../../support/ruleTable';
import { canonicalRegistry, registryAllowed } from '../../../server/src/core/registryHost';

const D = '@sha256:' + 'a'.repeat(64);
const only = (...hosts: string[]) => ({ ruleConfig: { allowedRegistries: hosts } });

ruleTable('registry-not-allowed', [
  { name: 'no list: every registry is allowed', dockerfile: 'FROM ghcr.io/acme/tool:1\n', lines: [] },
  { name: 'Docker Hub short name with docker.io allowed', dockerfile: `FROM alpine:3.20${D}\n`, lines: [], options: only('docker.io') },
  { name: 'index.docker.io is Docker Hub', dockerfile: 'FROM index.docker.io/library/alpine:3.20\n', lines: [], options: only('docker.io') },
  { name: 'registry-1.docker.io is Docker Hub', dockerfile: 'FROM registry-1.docker.io/library/alpine:3.20\n', lines: [], options: only('docker.io') },
  { name: 'upper case host and :443 are the same registry', dockerfile: 'FROM Registry.Example.COM:443/team/app:1\n', lines: [], options: only('registry.example.com') },
  { name: 'a port other than 443 is another registry', dockerfile: 'FROM registry.example.com:5000/team/app:1\n', lines: [1], options: only('registry.example.com'), messages: ['registry.example.com:5000'] },
  { name: 'localhost with its port', dockerfile: 'FROM localhost:5000/app:1\n', lines: [], options: only('localhost:5000') },
  { name: 'IPv6 literal, default port dropped', dockerfile: 'FROM [::1]:443/x:1\n', lines: [], options: only('[::1]') },
  {
    name: 'another registry is reported with the list',
    dockerfile: 'FROM ghcr.io/acme/tool:1\n',
    lines: [1],
    options: only('docker.io', 'registry.example.com'),
    messages: ['comes from ghcr.io, which is not an allowed registry (allowed: docker.io, registry.example.com)'],
    covers: ['ghcr.io/acme/tool:1'],
  },
  { name: 'Docker Hub when only a private registry is allowed', dockerfile: 'FROM node:22\n', lines: [1], options: only('registry.example.com'), messages: ['comes from docker.io'] },
  { name: 'image from an ARG default', dockerfile: 'ARG BASE=quay.io/org/img:2\nFROM $BASE\n', lines: [2], options: only('docker.io'), messages: ['(= quay.io/org/img:2)'] },
  { name: 'COPY --from and RUN --mount from', dockerfile: 'FROM scratch\nCOPY --from=ghcr.io/a/b:1 / /\nRUN --mount=from=quay.io/c/d:1,target=/x true\n', lines: [2, 3], options: only('docker.io') },
  { name: 'ONBUILD COPY --from', dockerfile: `FROM alpine:3${D}\nONBUILD COPY --from=ghcr.io/a/b:1 / /\n`, lines: [2], options: only('docker.io') },
  { name: 'the # syntax frontend is an image too', dockerfile: '# syntax=docker/dockerfile:1\nFROM ghcr.io/a/b:1\n', lines: [1], options: only('ghcr.io') },
  { name: 'stages, scratch and unresolved ARGs are no registry images', dockerfile: `FROM ghcr.io/a/b:1${D} AS build\nFROM build\nFROM scratch\nARG X\nFROM $X\n`, lines: [], options: only('ghcr.io') },
  { name: 'an empty list allows no registry', dockerfile: 'FROM alpine:3\n', lines: [1], options: only(), messages: ['no registry is allowed'] },
  { name: 'suppressed on the line above', dockerfile: '# dockerfile-trust ignore=registry-not-allowed\nFROM ghcr.io/a/b:1\n', lines: [], options: only('docker.io') },
]);

test('canonical registry names: case, :443, Docker Hub aliases, URLs pasted, rubbish refused', () => {
  const cases: [string, string | null][] = [
    ['docker.io', 'docker.io'],
    ['Index.Docker.IO', 'docker.io'],
    ['registry-1.docker.io:443', 'docker.io'],
    ['https://registry-1.docker.io/', 'docker.io'],
    ['docker.io:5000', 'docker.io:5000'],
    ['GHCR.io', 'ghcr.io'],
    ['ghcr.io.', 'ghcr.io'],
    ['registry.example.com:443', 'registry.example.com'],
    ['registry.example.com:0443', 'registry.example.com'],
    ['localhost:5000', 'localhost:5000'],
    ['[::1]:443', '[::1]'],
    ['[::1]:5000', '[::1]:5000'],
    ['ghcr.io/acme', null],
    ['user@ghcr.io', null],
    ['', null],
    ['a..b', null],
    ['host:99999', null],
    ['-bad.example', null],
  ];
  for (const [raw, want] of cases) assert.equal(canonicalRegistry(raw), want, raw);
  assert.equal(registryAllowed('INDEX.docker.io', ['docker.io']), true);
  assert.equal(registryAllowed('ghcr.io', ['docker.io']), false);
});
