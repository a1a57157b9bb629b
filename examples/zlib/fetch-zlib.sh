#!/bin/sh
# fetch-zlib.sh CACHE - prints the directory of zlib's Debian source package
# (bookworm's main archive, 1:1.2.13.dfsg-1), fetched with `apt-get source`
# into CACHE on first use (never into the repository). The version is pinned:
# unpinned, apt picks the security archive's newer one, which it does not
# serve. On failure: one line on stderr saying why, exit status 1.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
exec "$root/scripts/fetch-source.sh" zlib 1:1.2.13.dfsg-1 "${1:?usage: fetch-zlib.sh CACHE}"
