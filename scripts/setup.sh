#!/usr/bin/env bash
# One-time set-up on a fresh machine: Debian packages for the real test servers and the browser,
# npm packages, and the editor test tools (cached by version outside the clone). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
stamp() { echo "[setup +$(( $(date +%s) - start ))s] $*"; }

export DEBIAN_FRONTEND=noninteractive
# pre-commit: the hook test; tinyproxy: the HTTP proxy the proxy tests go through; libxml2-utils: xmllint for
# the checkstyle XML; git: the pre-commit and plain-clone tests, and git-http-backend for the "Pin this clone" tests.
APT_PACKAGES=(docker-registry notary chromium libkrb5-dev apache2-utils openssl ca-certificates pre-commit tinyproxy libxml2-utils git)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Another apt/dpkg run (unattended upgrades, a second set-up) may hold the lock: wait for it, within a bound
# (APT_LOCK_WAIT_SECONDS, default 300), instead of failing at once. apt's own DPkg::Lock::Timeout covers the
# dpkg lock; the retry loop also covers the lists and archives locks that `apt-get update` takes.
apt_get() {
  local bound=${APT_LOCK_WAIT_SECONDS:-300} start_wait err
  start_wait=$(date +%s)
  while :; do
    if err=$($SUDO apt-get -o DPkg::Lock::Timeout=10 "$@" 2>&1 >/dev/null); then return 0; fi
    if ! grep -qiE 'could not get lock|unable to (acquire|lock)|another process using it|dpkg frontend lock' <<<"$err"; then
      echo "$err" >&2
      return 1
    fi
    if [ $(( $(date +%s) - start_wait )) -ge "$bound" ]; then
      echo "$err" >&2
      echo "setup: another apt/dpkg process still holds its lock after ${bound}s; try again when it has finished" >&2
      return 1
    fi
    stamp "apt/dpkg is busy (another process holds its lock); waiting, up to ${bound}s"
    sleep 5
  done
}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
  stamp "apt-get install ${missing[*]}"
  apt_get update -qq
  apt_get install -y -qq --no-install-recommends "${missing[@]}"
fi
for b in docker-registry notary notary-server chromium htpasswd openssl pre-commit tinyproxy xmllint git; do
  command -v "$b" >/dev/null || { echo "setup: $b is not installed" >&2; exit 1; }
done

stamp "npm ci"
npm ci --no-audit --no-fund --loglevel=error

if [ -x scripts/e2e/setup.sh ]; then
  stamp "editor test tools"
  scripts/e2e/setup.sh
fi
stamp "set-up done"
