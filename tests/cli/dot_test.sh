#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `check --dot` renders with Debian's Graphviz (dot -Tsvg) for every example, with the chosen
# heaps and, for a conflict, the refusing heaps drawn.
set -u
bin="$1"
passes=0
fails=0
command -v dot >/dev/null || { echo "FAIL: Graphviz 'dot' is not installed (scripts/deps.sh installs it)"; exit 1; }
for ex in examples/*/; do
	name="$(basename "$ex")"
	"$bin" check --dot "$ex"*.yaml >"$TEST_TMPDIR/$name.dot" 2>"$TEST_TMPDIR/$name.err"
	status=$?
	if [ "$status" -gt 1 ]; then
		echo "FAIL: $name: check --dot exited $status"; cat "$TEST_TMPDIR/$name.err"; fails=$((fails + 1)); continue
	fi
	if ! dot -Tsvg "$TEST_TMPDIR/$name.dot" -o "$TEST_TMPDIR/$name.svg"; then
		echo "FAIL: $name: dot could not render it"; fails=$((fails + 1)); continue
	fi
	if [ "$status" -eq 0 ] && ! grep -q "allocated in" "$TEST_TMPDIR/$name.svg"; then
		echo "FAIL: $name: no chosen heap drawn"; fails=$((fails + 1)); continue
	fi
	if [ "$status" -eq 1 ] && ! grep -q "refused by" "$TEST_TMPDIR/$name.svg"; then
		echo "FAIL: $name: no refusing heap drawn"; fails=$((fails + 1)); continue
	fi
	grep -q "<svg" "$TEST_TMPDIR/$name.svg" && passes=$((passes + 1)) || { echo "FAIL: $name: not SVG"; fails=$((fails + 1)); }
done
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ] && [ "$passes" -ge 6 ]
