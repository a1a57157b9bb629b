#!/bin/sh
# demo.sh - the main job: installs what is missing, builds Bulkhead, compiles
# examples/ with -fpkey-compartments and runs them, showing the isolation at
# work (natively where the CPU has PKU, else in a QEMU guest with PKU).
set -eu
root=$(cd "$(dirname "$0")" && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" 19
exec "$root/examples/run.sh" "$root/build/bin"
