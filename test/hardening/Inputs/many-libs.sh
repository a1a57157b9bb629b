#!/bin/sh
# many-libs.sh CLANG BULKHEAD_CLANG SRC DIR N - builds N libraries
# DIR/libm0.so .. libm<N-1>.so (fI returns I), their segments 64 KiB
# aligned, so that ld.so leaves a gap between them and each is a
# protected range of its own; then DIR/prog, SRC built with -DLIBS=N and
# linked against them all.
set -eu
clang=$1 bh=$2 src=$3 dir=$4 n=$5
libs=
i=0
while [ "$i" -lt "$n" ]; do
  echo "int f$i(void) { return $i; }" > "$dir/l$i.c"
  "$clang" -O1 -shared -fPIC -Wl,-z,max-page-size=0x10000 "$dir/l$i.c" \
    -o "$dir/libm$i.so"
  libs="$libs -lm$i"
  i=$((i + 1))
done
# shellcheck disable=SC2086 # one word a library
"$bh" -fpkey-compartments -O1 -DLIBS="$n" "$src" -L"$dir" \
  -Wl,--no-as-needed $libs -Wl,-rpath,"$dir" -o "$dir/prog"
