// Language package managers (handlers/managers.ts): each judged by what actually verifies the bytes it fetches.
import { downloadTable } from '../../../support/downloadTable';

const C = '0123456789abcdef0123456789abcdef01234567';
const SHA = 'f'.repeat(64);
downloadTable('managers', [
  // pip
  { name: 'pip install <url>', dockerfile: 'FROM python:3.12\nRUN pip install https://example.com/p-1.0-py3-none-any.whl\n', downloads: [{ tool: 'pip', status: 'unverified' }] },
  { name: 'pip install <url>#sha256=', dockerfile: `FROM python:3.12\nRUN pip install "https://example.com/p-1.0-py3-none-any.whl#sha256=${SHA}"\n`, downloads: [{ status: 'verified' }] },
  { name: 'pip install --require-hashes with a URL', dockerfile: `FROM python:3.12\nRUN pip install --require-hashes "p @ https://example.com/p-1.0.tar.gz" --hash=sha256:${SHA}\n`, downloads: [{ status: 'verified' }] },
  { name: 'python3 -m pip install git+…@tag', dockerfile: 'FROM python:3.12\nRUN python3 -m pip install "git+https://github.com/o/r@v1.2"\n', downloads: [{ status: 'unverified', kind: 'git' }] },
  { name: 'pip install name @ git+…@<commit>', dockerfile: `FROM python:3.12\nRUN pip3 install "r[extra] @ git+https://github.com/o/r@${C}"\n`, downloads: [{ status: 'verified', kind: 'git' }] },
  { name: 'pip from the index by name is not a download here', dockerfile: 'FROM python:3.12\nRUN pip install requests==2.32.3\n', downloads: [] },
  // npm / yarn / pnpm
  { name: 'npm install -g <tarball url>', dockerfile: 'FROM node:22\nRUN npm install -g https://registry.example.com/a/-/a-1.0.0.tgz\n', downloads: [{ tool: 'npm', status: 'unverified', kind: 'file' }] },
  { name: 'yarn add <tarball url>', dockerfile: 'FROM node:22\nRUN yarn add https://example.com/b-2.0.0.tgz\n', downloads: [{ status: 'unverified' }] },
  { name: 'npm install git+…#tag', dockerfile: 'FROM node:22\nRUN npm i "git+https://github.com/o/r.git#v1"\n', downloads: [{ status: 'unverified', kind: 'git' }] },
  { name: 'pnpm add github:o/r#<commit>', dockerfile: `FROM node:22\nRUN pnpm add "github:o/r#${C}"\n`, downloads: [{ status: 'verified', kind: 'git' }] },
  { name: 'npm ci: lockfile integrity, no download here', dockerfile: 'FROM node:22\nRUN npm ci && npm install left-pad@1.3.0\n', downloads: [] },
  // gem
  { name: 'gem install --source <url>', dockerfile: 'FROM ruby:3.3\nRUN gem install rails --source https://gems.example.com\n', downloads: [{ tool: 'gem', status: 'unverified' }] },
  { name: 'gem install -P HighSecurity --source', dockerfile: 'FROM ruby:3.3\nRUN gem install -P HighSecurity foo --source https://gems.example.com\n', downloads: [{ status: 'verified' }] },
  { name: 'look-alike: gem -P MediumSecurity', dockerfile: 'FROM ruby:3.3\nRUN gem install foo -P MediumSecurity -s https://gems.example.com\n', downloads: [{ status: 'unverified', weak: 'MediumSecurity' }] },
  // go
  { name: 'go install pkg@version: the Go checksum database', dockerfile: 'FROM golang:1.23\nRUN go install golang.org/x/tools/cmd/goimports@v0.24.0\n', downloads: [{ tool: 'go install', status: 'verified', verifiedBy: 'checksum database' }] },
  { name: 'look-alike: GOFLAGS=-insecure on the command', dockerfile: 'FROM golang:1.23\nRUN GOFLAGS=-insecure go install example.com/x/cmd/y@latest\n', downloads: [{ status: 'unverified', note: '-insecure' }] },
  { name: 'look-alike: ENV GONOSUMDB covering the module', dockerfile: 'FROM golang:1.23\nENV GONOSUMDB=github.com/acme\nRUN go install github.com/acme/tool@v1.0.0\n', downloads: [{ status: 'unverified', note: 'GONOSUMDB' }] },
  { name: 'look-alike: GOSUMDB=off exported earlier', dockerfile: 'FROM golang:1.23\nRUN export GOSUMDB=off && go get github.com/acme/lib@v1.2.0\n', downloads: [{ tool: 'go get', status: 'unverified', note: 'GOSUMDB=off' }] },
  { name: 'GOPRIVATE for another module leaves this one checked', dockerfile: 'FROM golang:1.23\nENV GOPRIVATE=gitlab.acme.internal/*\nRUN go install github.com/acme/tool@v1.0.0\n', downloads: [{ status: 'verified' }] },
  { name: 'go install of a local package is no download', dockerfile: 'FROM golang:1.23\nCOPY . .\nRUN go install ./cmd/app\n', downloads: [] },
  // nix
  { name: 'nix-env -f <url>', dockerfile: 'FROM nixos/nix:2.24.9\nRUN nix-env -iA cachix -f https://cachix.org/api/v1/install\n', downloads: [{ tool: 'nix-env', status: 'unverified', use: 'evaluated and installed' }] },
  { name: 'nix-env -if <url>', dockerfile: 'FROM nixos/nix:2.24.9\nRUN nix-env -if https://github.com/o/r/archive/main.tar.gz\n', downloads: [{ status: 'unverified' }] },
  { name: 'nix-env -iA from the channel is not a URL download', dockerfile: 'FROM nixos/nix:2.24.9\nRUN nix-env -iA nixpkgs.hello\n', downloads: [] },
  // asdf
  { name: 'asdf plugin add <name> <git url>: a clone of the default branch', dockerfile: 'FROM debian:12\nRUN asdf plugin add nodejs https://github.com/asdf-vm/asdf-nodejs.git && asdf install nodejs 22.3.0\n', downloads: [{ tool: 'asdf plugin add', status: 'unverified', kind: 'git' }] },
  { name: 'asdf plugin-add <name> from the plugin index', dockerfile: 'FROM debian:12\nRUN asdf plugin-add ruby\n', downloads: [{ status: 'unverified', kind: 'git' }] },
  { name: 'asdf plugin update <name> <commit> pins it', dockerfile: `FROM debian:12\nRUN asdf plugin add ruby https://github.com/asdf-vm/asdf-ruby.git && asdf plugin update ruby ${C}\n`, downloads: [{ status: 'verified' }] },
  { name: 'look-alike: asdf plugin update to a tag', dockerfile: 'FROM debian:12\nRUN asdf plugin add ruby https://github.com/asdf-vm/asdf-ruby.git && asdf plugin update ruby v1.0\n', downloads: [{ status: 'unverified' }] },
]);
