#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# README.md's C++ example is the code of cpp_example.cpp between its markers, and it runs on the
# shipped rpi4 example: every buffer gets its heap and size printed (allocation may be refused
# here, with errno and node, where the machine has no such heap).
set -eu
example="$1"
readme="README.md"
src="tests/readme/cpp_example.cpp"
extract() { sed -n "/$2/,/$3/p" "$1" | sed '1d;$d'; }
diff <(extract "$src" '^\/\/ README-BEGIN' '^\/\/ README-END') \
	<(extract "$readme" '^```cpp$' '^```$') || { echo "README.md's C++ example differs from $src"; exit 1; }
out="$("$example" examples/rpi4/board.yaml examples/rpi4/devices.yaml examples/rpi4/pipeline.yaml)"
echo "$out"
# Every buffer of the pipeline is answered, with a heap and a size.
want="$(grep -c '^  - name:' examples/rpi4/pipeline.yaml)"
got="$(echo "$out" | grep -cE '^[^ ]+: heap [^ ]+, [0-9]+ bytes$' || true)"
[ "$got" -eq $((2 * want)) ] || { echo "expected $want solved buffers twice over, got $got lines"; exit 1; }
