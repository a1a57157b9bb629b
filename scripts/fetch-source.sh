#!/bin/sh
# fetch-source.sh PACKAGE VERSION CACHE - prints the directory of Debian
# source package PACKAGE at exactly VERSION (e.g. json-c 0.16-2), fetched
# with `apt-get source PACKAGE=VERSION` into CACHE on first use (never into
# the repository), as CACHE/PACKAGE_VERSION (epoch dropped). Pin versions of
# Debian's main archive: the security archive serves only its newest ones.
# Needs deb-src entries and dpkg-dev (scripts/install-deps.sh sets up both).
# On failure: one line on stderr saying why, exit status 1.
set -eu
pkg=${1:?usage: fetch-source.sh PACKAGE VERSION CACHE}
ver=${2:?usage: fetch-source.sh PACKAGE VERSION CACHE}
cache=${3:?usage: fetch-source.sh PACKAGE VERSION CACHE}
dir=$cache/${pkg}_${ver#*:}
# The tree is moved into place only when complete, so its presence is enough.
[ -d "$dir" ] && { echo "$dir"; exit 0; }

fail() { echo "fetch-source: $pkg $ver: $*" >&2; exit 1; }
command -v apt-get >/dev/null || fail "no apt-get: not a Debian system"
command -v dpkg-source >/dev/null || fail "dpkg-source missing (install dpkg-dev: scripts/install-deps.sh)"
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# As root, a missing or stale package list is refreshed once and retried.
get() { (cd "$tmp" && apt-get source -q "$pkg=$ver") >"$tmp/log" 2>&1; }
if ! get && ! { [ "$(id -u)" = 0 ] && apt-get update -q >/dev/null 2>&1 && get; }; then
  why=$(grep -E '^(E|W):' "$tmp/log" | grep -v unsandboxed | head -n 2 | tr '\n' ' ' | sed 's/ *$//')
  fail "apt-get source failed: ${why:-see apt-get output} (deb-src entries: scripts/install-deps.sh)"
fi
# apt-get source leaves the .dsc, the tarballs and one unpacked directory.
for d in "$tmp"/*/; do
  [ -d "$d" ] && mv "${d%/}" "$dir" && echo "$dir" && exit 0
done
fail "apt-get source gave no source tree"
