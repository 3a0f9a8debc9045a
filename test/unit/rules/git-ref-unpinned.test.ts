import { ruleTable } from '../../support/ruleTable';

const C = '0123456789abcdef0123456789abcdef01234567';
ruleTable('git-ref-unpinned', [
  { name: 'ADD git URL with a tag from an ARG', dockerfile: 'ARG V=v1.4.3\nFROM alpine:3.20\nARG V\nADD --keep-git-dir=true "https://github.com/opencontainers/runc.git#$V" /src\n', lines: [4], messages: ['branch or tag'] },
  { name: 'git clone of the default branch', dockerfile: 'FROM alpine:3.20\nRUN git clone https://github.com/o/r . --depth 1\n', lines: [2], messages: ['default branch'] },
  { name: 'git clone -b tag', dockerfile: 'FROM alpine:3.20\nRUN git clone -b v1.2 https://github.com/o/r && make -C r\n', lines: [2] },
  { name: 'sudo -u user git clone --branch', dockerfile: 'FROM debian:12\nRUN sudo -u app git clone --branch $BR --filter=tree:0 https://github.com/o/r.git /srv/r\n', lines: [2] },
  { name: 'checkout of a short sha', dockerfile: 'FROM alpine:3.20\nRUN git clone https://github.com/o/r && git -C r checkout 0123abc\n', lines: [2], messages: ['short commit hash'] },
  { name: 'pip install git+ with a branch', dockerfile: 'FROM python:3.12\nRUN pip install git+https://github.com/o/r@main\n', lines: [2] },
  { name: 'clone then checkout of a full commit', dockerfile: `FROM alpine:3.20\nRUN git clone https://github.com/o/r && git -C r checkout ${C}\n`, lines: [] },
  { name: 'commit from ENV', dockerfile: `FROM alpine:3.20\nENV REV=${C}\nRUN git clone https://github.com/o/r src && cd src && git checkout "$REV"\n`, lines: [] },
  { name: 'ADD git URL pinned to a commit', dockerfile: `FROM alpine:3.20\nADD https://github.com/o/r.git#${C} /src\n`, lines: [] },
  { name: 'ADD git URL with --checksum commit', dockerfile: `FROM alpine:3.20\nADD --checksum=${C} https://github.com/o/r.git#v1 /src\n`, lines: [] },
  { name: 'pip install git+ at a full commit', dockerfile: `FROM python:3.12\nRUN pip install git+https://github.com/o/r@${C}\n`, lines: [] },
  { name: 'ADD git URL in the query form with a tag', dockerfile: 'FROM alpine:3.20\nADD https://github.com/o/r.git?tag=v1.2&subdir=x /src\n', lines: [2], messages: [/^(?![\s\S]*--checksum)[\s\S]*#<40-hex commit>[\s\S]*commit=<40-hex commit>/] },
  { name: 'ADD git URL in the query form with a commit', dockerfile: `FROM alpine:3.20\nADD https://github.com/o/r.git?tag=v1.2&commit=${C} /src\n`, lines: [] },
  { name: 'git clone: the remedy is a commit checkout, never a file checksum', dockerfile: 'FROM alpine:3.20\nRUN git clone --depth 1 https://github.com/o/r.git\n', lines: [2], messages: [/^(?![\s\S]*--checksum)[\s\S]*git -C dir checkout <40-hex commit>/] },
  { name: 'asdf plugin add: a clone of the default branch', dockerfile: 'FROM debian:12\nRUN asdf plugin add nodejs https://github.com/asdf-vm/asdf-nodejs.git\n', lines: [2], messages: ['asdf plugin update'] },
  { name: 'npm git dependency by tag', dockerfile: 'FROM node:22\nRUN npm install git+https://github.com/o/r.git#v2\n', lines: [2], messages: ['#<40-hex commit>'] },
  { name: 'pip git+ by tag: the pip remedy', dockerfile: 'FROM python:3.12\nRUN pip install git+https://github.com/o/r@v2\n', lines: [2], messages: ['@<40-hex commit>'] },
]);
