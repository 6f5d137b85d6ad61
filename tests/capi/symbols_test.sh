#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The ABI of libheapsolve.so.0 is written down: the symbols it exports (type, name and version
# node, as `nm -D --defined-only` prints them, sorted) must be those of capi/libheapsolve.symbols.
# A change of the C API therefore changes that file in the same commit, where review sees it.
# Usage: symbols_test.sh LIBHEAPSOLVE.so LIBHEAPSOLVE.symbols
set -eu
lib="$1"
expected="$2"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

grep -v '^#' "$expected" >"$tmp/expected"
nm -D --defined-only "$lib" | awk '{ print $2, $3 }' | LC_ALL=C sort >"$tmp/built"
[ -s "$tmp/built" ] || { echo "FAIL: nm found no exported symbol in $lib"; exit 1; }
if ! diff -u --label capi/libheapsolve.symbols --label "built $(basename "$lib")" "$tmp/expected" "$tmp/built"; then
	cat <<EOF
FAIL: libheapsolve.so exports other symbols than capi/libheapsolve.symbols lists (diff above:
- only in the file, + only in the built library). If the change of the ABI is intended (a function
added to include/heapsolve/heapsolve.h, a new version node in capi/libheapsolve.map), write the
file anew and commit it with the change:
    scripts/update-symbols.sh
Removing or renaming a symbol of HEAPSOLVE_0 breaks every program linked against libheapsolve.so.0.
EOF
	exit 1
fi
echo "$(wc -l <"$tmp/built") exported symbols as listed in capi/libheapsolve.symbols"
