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
  qemu-system-x86 linux-image-amd64 busybox-static
"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086 # one word per package
$sudo apt-get install -y -q --no-install-recommends $missing
