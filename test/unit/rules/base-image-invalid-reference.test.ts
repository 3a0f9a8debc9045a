import { ruleTable } from '../../support/ruleTable';

ruleTable('base-image-invalid-reference', [
  { name: 'uppercase first component is read as a host, then the path fails', dockerfile: 'FROM Alpine/Tool:1\n', lines: [1], messages: ['lowercase'] },
  { name: 'uppercase path component after a host', dockerfile: 'FROM ghcr.io/Acme/tool:1\n', lines: [1], messages: ['lowercase'] },
  { name: 'invalid tag', dockerfile: 'FROM alpine:-bad\n', lines: [1], messages: ['invalid tag'] },
  { name: 'valid reference', dockerfile: 'FROM ghcr.io/acme/tool:1.0\n', lines: [] },
  { name: 'empty path after host', dockerfile: 'FROM ghcr.io/\n', lines: [1] },
  { name: 'bad host characters', dockerfile: 'FROM my_host.io/x:1\n', lines: [1] },
]);
