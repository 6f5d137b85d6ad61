#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Writes capi/libheapsolve.symbols from the built libheapsolve.so: what //tests/capi:symbols_test
# compares the library with. Run it when the C API's exported symbols change on purpose, and commit
# the file with that change. Usage: scripts/update-symbols.sh
set -eu
cd "$(dirname "$0")/.."
bazel build //capi:libheapsolve.so
lib="$(bazel info bazel-bin 2>/dev/null)/capi/libheapsolve.so"
{
	echo "# SPDX-License-Identifier: Apache-2.0"
	echo "# The exported symbols of libheapsolve.so.0 (nm -D --defined-only: type, name@@version), sorted."
	echo "# Checked by //tests/capi:symbols_test; written by scripts/update-symbols.sh."
	nm -D --defined-only "$lib" | awk '{ print $2, $3 }' | LC_ALL=C sort
} >capi/libheapsolve.symbols
echo "wrote capi/libheapsolve.symbols ($(grep -vc '^#' capi/libheapsolve.symbols) symbols)"
