#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Replays the seed corpus and every saved crash input through every fuzz target: each input must
# load (or fail to load) and solve with every invariant of fuzz_solve.cpp holding.
set -eu
loader="$1"
solver="$2"
document="$3"
dtb="${4:-}"
dir="tests/fuzz"
inputs=()
for f in "$dir"/corpus/* "$dir"/crashes/*; do
	[ -f "$f" ] || continue
	case "$f" in *.md) continue ;; esac
	inputs+=("$f")
done
[ ${#inputs[@]} -ge 10 ] || { echo "only ${#inputs[@]} inputs: the corpus is missing"; exit 1; }
"$loader" "${inputs[@]}"
"$solver" "${inputs[@]}"
"$document" "${inputs[@]}"
# The device-tree importer on its own seeds (DTBs) and on the YAML inputs (bytes that are no DTB).
if [ -n "$dtb" ]; then
	"$dtb" "$dir"/corpus_dtb "${inputs[@]}"
fi
