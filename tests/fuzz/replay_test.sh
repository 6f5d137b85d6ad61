#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# usage: replay_test.sh TARGET DIR...
# Replays every input of the DIRs (the seed corpus, then the saved crash inputs; *.md skipped)
# through the fuzz target TARGET built as a replay driver: each input must pass every check the
# target makes, as it must under libFuzzer. fuzz.bzl gives each target this test.
set -eu
target="$1"
shift
inputs=()
for dir in "$@"; do
	for f in "$dir"/*; do
		[ -f "$f" ] || continue
		case "$f" in *.md) continue ;; esac
		inputs+=("$f")
	done
	# The first directory is the seed corpus: empty means the data dependency is broken.
	[ ${#inputs[@]} -gt 0 ] || { echo "no input in $dir: the corpus is missing"; exit 1; }
done
"$target" "${inputs[@]}"
