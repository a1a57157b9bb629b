#!/bin/sh
# fetch-zlib.sh CACHE - prints the directory of zlib's Debian source package,
# fetched with `apt-get source zlib` into CACHE on first use (never into the
# repository): scripts/fetch-source.sh, which says what it needs. On
# failure: one line on stderr saying why, exit status 1.
set -eu
cache=${1:?usage: fetch-zlib.sh CACHE}
exec "$(dirname "$0")/../../scripts/fetch-source.sh" "$cache" zlib
