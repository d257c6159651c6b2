#!/usr/bin/env bash
# Makes sure the Debian packages the end-to-end tests use are there, installing them with apt when missing: Chromium
# at /usr/bin/chromium for the browser tests, and python3-authlib (with python3-requests) for Debian's /usr/bin/python3
# in the Authlib interop test. `npm test` runs this first (pretest), so the two-line set-up works on a fresh machine,
# and so does CI.
set -uo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c 'import authlib, requests' 2>/dev/null || missing+=(python3-authlib python3-requests)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "The end-to-end tests need Debian's ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}'." >&2
  exit 1
fi
echo "Installing Debian's ${missing[*]} for the end-to-end tests (once)..." >&2
log=$(mktemp)
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  exit 1
fi
rm -f "$log"
echo "installed ${missing[*]}" >&2
