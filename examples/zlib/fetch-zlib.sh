#!/bin/sh
# fetch-zlib.sh CACHE - prints the directory of zlib's Debian source package,
# fetched with `apt-get source zlib` into CACHE on first use (never into the
# repository). Needs a deb-src entry and dpkg-dev; scripts/install-deps.sh
# sets up both. On failure: one line on stderr saying why, exit status 1.
set -eu
cache=${1:?usage: fetch-zlib.sh CACHE}

found() {
  for d in "$cache"/zlib-*/; do
    [ -f "$d/zlib.h" ] && [ -f "$d/deflate.c" ] && { echo "${d%/}"; return 0; }
  done
  return 1
}
found && exit 0

fail() { echo "fetch-zlib: $*" >&2; exit 1; }
command -v apt-get >/dev/null || fail "no apt-get: not a Debian system"
command -v dpkg-source >/dev/null || fail "dpkg-source missing (install dpkg-dev: scripts/install-deps.sh)"
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Into a temporary directory first, so that an interrupted fetch leaves no
# half-extracted tree behind.
# Pinned to bookworm's main-archive version: the archive does not serve
# sources that exist only in the security archive (1.2.13.dfsg-1+deb12u1).
# As root, a missing or stale package list is refreshed once and retried.
pkg=zlib=1:1.2.13.dfsg-1
if ! (cd "$tmp" && apt-get source -q "$pkg") >"$tmp.log" 2>&1 &&
   ! { [ "$(id -u)" = 0 ] && apt-get update -q >/dev/null 2>&1 &&
       (cd "$tmp" && apt-get source -q "$pkg") >"$tmp.log" 2>&1; }; then
  why=$(grep -E '^(E|W):' "$tmp.log" | head -n 2 | tr '\n' ' ')
  rm -f "$tmp.log"
  fail "apt-get source zlib failed: ${why:-see apt-get output} (deb-src entries: scripts/install-deps.sh)"
fi
rm -f "$tmp.log"
for d in "$tmp"/zlib-*/; do
  [ -f "$d/zlib.h" ] && mv "$d" "$cache/" && break
done
found || fail "apt-get source zlib gave no zlib source tree"
