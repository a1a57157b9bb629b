#!/bin/sh
# fetch-source.sh CACHE PACKAGE [UPSTREAM] - prints the directory of Debian
# source package PACKAGE (e.g. zlib, or libpng1.6 1.6.39), fetched with
# `apt-get source` into CACHE on first use (never into the repository).
# UPSTREAM, if given, is the upstream version the tree must have.
#
# The newest source version is tried first; if the mirror does not serve it
# (security updates are listed but not served here), every other listed
# version with that upstream version, newest first. Needs a deb-src entry
# and dpkg-dev; scripts/install-deps.sh sets up both. On failure: one line
# on stderr saying why, exit status 1.
set -eu
cache=${1:?usage: fetch-source.sh CACHE PACKAGE [UPSTREAM]}
pkg=${2:?usage: fetch-source.sh CACHE PACKAGE [UPSTREAM]}
upstream=${3:-}

# dpkg-source extracts into PACKAGE-UPSTREAM, with debian/ inside.
found() {
  for d in "$cache/$pkg-$upstream"*/; do
    [ -f "$d/debian/control" ] && { echo "${d%/}"; return 0; }
  done
  return 1
}
found && exit 0

fail() { echo "fetch-source: $*" >&2; exit 1; }
command -v apt-get >/dev/null || fail "no apt-get: not a Debian system"
command -v dpkg-source >/dev/null || fail "dpkg-source missing (install dpkg-dev: scripts/install-deps.sh)"
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp" "$tmp.log"' EXIT

# Into a temporary directory first, so that an interrupted fetch leaves no
# half-extracted tree behind. Success: the wanted tree is there.
tree() {
  for d in "$tmp/$pkg-$upstream"*/; do
    [ -f "$d/debian/control" ] && { echo "${d%/}"; return 0; }
  done
  return 1
}
get() {
  rm -rf "$tmp" && mkdir "$tmp" &&
    (cd "$tmp" && apt-get source -q "$1") >>"$tmp.log" 2>&1 && tree >/dev/null
}

# The versions to try: PACKAGE as apt picks it, then each listed version
# whose upstream part (no epoch, no Debian revision) is UPSTREAM.
versions() {
  apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -rVu |
    while read -r v; do
      u=${v#*:}
      u=${u%-*}
      case $u in "$upstream"*) echo "$pkg=$v" ;; esac
    done
}

fetched() {
  get "$pkg" && return 0
  for spec in $(versions); do
    get "$spec" && return 0
  done
  return 1
}
# As root, a missing or stale package list is refreshed once and retried.
if ! fetched && ! { [ "$(id -u)" = 0 ] && apt-get update -q >/dev/null 2>&1 && fetched; }; then
  why=$(grep -E '^(E|W):' "$tmp.log" | grep -v 'unsandboxed' | head -n 2 | tr '\n' ' ')
  fail "apt-get source $pkg${upstream:+ (upstream version $upstream)} failed: ${why:-no such version} (deb-src entries: scripts/install-deps.sh)"
fi
mv "$(tree)" "$cache/"
found || fail "apt-get source $pkg gave no $pkg${upstream:+ $upstream} source tree"
