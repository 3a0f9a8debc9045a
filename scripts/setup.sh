#!/usr/bin/env bash
# One-time set-up on a fresh machine: Debian packages for the real test servers and the browser,
# npm packages, and the editor test tools (cached by version outside the clone). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
stamp() { echo "[setup +$(( $(date +%s) - start ))s] $*"; }

export DEBIAN_FRONTEND=noninteractive
APT_PACKAGES=(docker-registry notary chromium libkrb5-dev apache2-utils openssl ca-certificates git)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  stamp "apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for b in docker-registry notary notary-server chromium htpasswd openssl git; do
  command -v "$b" >/dev/null || { echo "setup: $b is not installed" >&2; exit 1; }
done

stamp "npm ci"
npm ci --no-audit --no-fund --loglevel=error

if [ -x scripts/e2e/setup.sh ]; then
  stamp "editor test tools"
  scripts/e2e/setup.sh
fi
stamp "set-up done"
