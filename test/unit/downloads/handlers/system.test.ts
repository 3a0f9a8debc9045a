// OS package managers (handlers/system.ts): a .repo file added by URL is a download; switches that turn checks off are findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelOf } from '../../../../server/src/core/analyze';
import { analyzeDownloads } from '../../../../server/src/core/downloads';
import { parseDocument } from '../../../../server/src/core/parse';
import { downloadTable } from '../../../support/downloadTable';

downloadTable('system', [
  { name: 'dnf config-manager --add-repo <url>', dockerfile: 'FROM rockylinux:9\nRUN dnf config-manager --add-repo https://download.example.com/x.repo\n', downloads: [{ kind: 'repo-definition', status: 'unverified', note: 'decides which repository' }] },
  { name: 'yum-config-manager --add-repo=<url>', dockerfile: 'FROM centos:7\nRUN yum-config-manager --add-repo=https://download.example.com/y.repo\n', downloads: [{ kind: 'repo-definition', status: 'unverified' }] },
  { name: 'apt-get install from the signed archive: no download here', dockerfile: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl\n', downloads: [] },
  { name: 'a local .repo from the context: no download', dockerfile: 'FROM rockylinux:9\nCOPY x.repo /etc/yum.repos.d/\nRUN dnf install -y x\n', downloads: [] },
]);

function insecure(text: string): string[] {
  return analyzeDownloads(modelOf(parseDocument(text))).insecure.map((i) => i.target);
}

test('system: switches that turn signature checks off are reported; the same commands without them are not', () => {
  assert.deepEqual(insecure('FROM debian:12\nRUN apt-get install -y --allow-unauthenticated foo\n'), ['apt --allow-unauthenticated']);
  assert.deepEqual(insecure('FROM debian:12\nRUN apt-get -o Acquire::AllowInsecureRepositories=true update\n'), ['apt Acquire::AllowInsecureRepositories=true']);
  assert.deepEqual(insecure('FROM fedora:40\nRUN dnf install -y --setopt=*.gpgcheck=0 foo\n'), ['dnf --setopt=*.gpgcheck=0']);
  assert.deepEqual(insecure('FROM opensuse/leap:15\nRUN zypper --no-gpg-checks install -y foo\n'), ['zypper --no-gpg-checks']);
  assert.deepEqual(insecure('FROM alpine:3.20\nRUN apk add --allow-untrusted -X https://r.example.com/apk foo\n'), ['apk --allow-untrusted']);
  assert.deepEqual(insecure('FROM debian:12\nRUN apt-get install -y foo\nFROM fedora:40\nRUN dnf install -y foo\nFROM alpine:3.20\nRUN apk add --allow-untrusted /tmp/pkgs/foo.apk\n'), []);
});
