#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Instruction counts of loading and of solving generated systems, from valgrind's callgrind:
# repeatable on a shared machine where timings are not (same binary, input and environment give
# the same count). Writes bench/results/instructions.json, which bench/compare.py prints.
#   bench/callgrind.sh BIN_DIR [RESULTS_DIR]     (BIN_DIR: `bazel info -c opt bazel-bin`)
set -eu
bin="$1"
results="${2:-$(cd "$(dirname "$0")" && pwd)/results}"
command -v valgrind >/dev/null || { echo "callgrind.sh: needs valgrind (apt-get install -y valgrind)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Inclusive instructions of the first function whose name starts with $2 in profile $1.
inclusive() {
	callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
		awk -v fn="$2" 'index($0, fn) { gsub(",", "", $1); print $1; exit }'
}

entries=()
for n in 1000 10000; do
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.$n" "$bin/bench/peak_rss" "$n" 1 >/dev/null 2>"$work/log.$n" ||
		{ cat "$work/log.$n" >&2; exit 1; }
	load="$(inclusive "$work/cg.$n" "heapsolve::loadSystem(")"
	parse="$(inclusive "$work/cg.$n" "heapsolve::yaml::Document::parse(")"
	solve="$(inclusive "$work/cg.$n" "heapsolve::solve(")"
	entries+=("{\"buffers\": $n, \"load\": ${load:-0}, \"yaml_parse\": ${parse:-0}, \"solve\": ${solve:-0}}")
done
mkdir -p "$results"
(IFS=,; echo "[${entries[*]}]") >"$results/instructions.json"
cat "$results/instructions.json"
