#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Golden corpus: `heapsolve check --json` on every shipped example must print exactly
# tests/data/<example>/expected.json and exit with expected.status. The expected plans were
# computed by hand from the spec's formulas (see each example's README) before being recorded.
set -u
bin="$1"
passes=0
fails=0
for dir in tests/data/*/; do
	name="$(basename "$dir")"
	[ -d "examples/$name" ] || { echo "FAIL: tests/data/$name has no examples/$name"; fails=$((fails + 1)); continue; }
	"$bin" check --json examples/"$name"/*.yaml >"$TEST_TMPDIR/$name.json" 2>"$TEST_TMPDIR/$name.err"
	status=$?
	if [ "$status" != "$(cat "$dir/expected.status")" ]; then
		echo "FAIL: $name exited $status, expected $(cat "$dir/expected.status")"; cat "$TEST_TMPDIR/$name.err"
		fails=$((fails + 1))
	elif ! diff -u "$dir/expected.json" "$TEST_TMPDIR/$name.json"; then
		echo "FAIL: $name output differs from $dir/expected.json"
		fails=$((fails + 1))
	else
		passes=$((passes + 1))
	fi
done
for ex in examples/*/; do
	[ -d "tests/data/$(basename "$ex")" ] || { echo "FAIL: $ex has no golden output"; fails=$((fails + 1)); }
done
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ] && [ "$passes" -ge 6 ]
