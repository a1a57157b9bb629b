#!/bin/sh
# install-deps.sh - installs the Debian 12 packages Bulkhead needs that are
# missing (as root; with sudo otherwise). Safe to run again: it installs
# nothing when everything is there.
set -eu

packages="
  cmake ninja-build python3 binutils libc6-dev
  llvm-19-dev clang-19 lld-19 llvm-19-tools libclang-rt-19-dev
  llvm-22-dev clang-22 lld-22 llvm-22-tools libclang-rt-22-dev
  libelf-dev libdw-dev libmimalloc-dev libmimalloc2.0
  libunwind-14 libc++abi1-14
  qemu-system-x86 linux-image-amd64 busybox-static
  dpkg-dev gzip
  make tcl8.6-dev zlib1g-dev
"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive

# The zlib case study (test/casestudy, examples/zlib) and the real projects
# (test/realworld: SQLite needs tclsh and Tcl's library, libpng zlib) fetch
# their sources with `apt-get source`, which needs deb-src entries: mirror
# the deb ones.
update=""
src_list=/etc/apt/sources.list.d/bulkhead-src.sources
if ! grep -qsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/*; then
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
      $sudo tee "$src_list" >/dev/null
    update=1
  elif grep -qs '^deb ' /etc/apt/sources.list; then
    src_list=/etc/apt/sources.list.d/bulkhead-src.list
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | $sudo tee "$src_list" >/dev/null
    update=1
  fi
fi

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
if [ -z "$missing" ]; then
  [ -z "$update" ] || $sudo apt-get update -q
  exit 0
fi

echo "install-deps: installing:$missing"
$sudo apt-get update -q
# shellcheck disable=SC2086 # one word per package
$sudo apt-get install -y -q --no-install-recommends $missing
