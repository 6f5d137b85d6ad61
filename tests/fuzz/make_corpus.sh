#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerates corpus/ from examples/ and profiles/: one seed per system, its files (board, devices,
# pipeline) joined by form feeds as split.h expects, with comment-only and blank lines dropped so
# that the fuzzer spends its time on structure. Run it after changing an example or a profile.
set -eu
top="$(cd "$(dirname "$0")/../.." && pwd)"
out="$top/tests/fuzz/corpus"
mkdir -p "$out"
rm -f "$out"/example-* "$out"/profile-*

strip() { grep -vE '^[[:space:]]*(#.*)?$' "$1" || true; }
join() { # join FILE... into stdout with a form feed between files
	local first=1
	for f in "$@"; do
		[ "$first" -eq 1 ] || printf '\f'
		first=0
		strip "$f"
	done
}

for d in "$top"/examples/*/; do
	name="$(basename "$d")"
	join "$d/board.yaml" "$d/devices.yaml" "$d/pipeline.yaml" > "$out/example-$name"
done
n=0
grep -vE '^(#|$)' "$top/tests/profiles/cases.txt" | while read -r _status board devices pipeline _rest; do
	n=$((n + 1))
	join "$top/profiles/$board" "$top/profiles/$devices" "$top/profiles/$pipeline" \
		> "$out/profile-$(printf '%02d' "$n")-$(basename "$(dirname "$board")")"
done
ls "$out" | wc -l
