#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fuzzes every target for SECONDS each: builds with clang-19 (`scripts/clang-bazel build
# --config=fuzz`), then runs libFuzzer from the target's seed corpus with its dictionary (both
# named in tests/fuzz/BUILD, see fuzz.bzl). A crash, leak, sanitizer report or broken
# invariant fails the target; its input is kept in FUZZ_OUT (default: a new temporary directory)
# to be copied into tests/fuzz/crashes/ once the bug is fixed. Extra arguments go to libFuzzer;
# FUZZ_TARGETS picks targets (default: every fuzz_target of tests/fuzz/BUILD).
# Prints per-target figures and a closing "N passed, M failed" line.
set -u
seconds="${1:-60}"
shift || true
top="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$top"
out="${FUZZ_OUT:-$(mktemp -d /tmp/heapsolve-fuzz.XXXXXX)}"
mkdir -p "$out"

# name, corpus directories and dictionary of every fuzz_target, from its tags (fuzz.bzl).
declare -A corpus dict
all=()
while read -r name c d; do
	all+=("$name")
	corpus[$name]="$c"
	dict[$name]="$d"
done < <(scripts/clang-bazel query --output=build 'attr(tags, "fuzz_target", //tests/fuzz:*)' 2>/dev/null |
	awk -F'"' '/^  name = /{n=$2} /^  tags = /{c=""; d=""; for (i=2; i<=NF; i+=2) {
		if ($i ~ /^fuzz_corpus=/) c=substr($i, 13); if ($i ~ /^fuzz_dict=/) d=substr($i, 11) }
		print n, c, (d == "" ? "-" : d)}')
read -r -a targets <<< "${FUZZ_TARGETS:-${all[*]}}"
if [ ${#targets[@]} -eq 0 ]; then
	echo "no fuzz target found in tests/fuzz/BUILD"
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0
failed=0
if ! scripts/clang-bazel build --config=fuzz --noshow_progress $(printf '//tests/fuzz:%s ' "${targets[@]}"); then
	echo "fuzz build failed"
	echo "0 passed, ${#targets[@]} failed"
	exit 1
fi
bin="$(scripts/clang-bazel info --config=fuzz bazel-bin 2>/dev/null)/tests/fuzz"
for t in "${targets[@]}"; do
	if [ -z "${corpus[$t]:-}" ]; then
		echo "$t: not a fuzz_target of tests/fuzz/BUILD"
		failed=$((failed + 1))
		continue
	fi
	dirs=()
	IFS=, read -r -a names <<< "${corpus[$t]}"
	for d in "${names[@]}"; do dirs+=("tests/fuzz/$d"); done
	dictarg=()
	[ "${dict[$t]}" = "-" ] || dictarg=("-dict=tests/fuzz/${dict[$t]}")
	mkdir -p "$out/$t/corpus" "$out/$t/artifacts"
	log="$out/$t/log"
	echo "== $t: fuzzing ${seconds}s (log $log)"
	# The fresh corpus directory comes first: libFuzzer writes new inputs there, never into the repo.
	ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
		"$bin/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
		"${dictarg[@]}" -artifact_prefix="$out/$t/artifacts/" -print_final_stats=1 \
		"$@" "$out/$t/corpus" "${dirs[@]}" > "$log" 2>&1
	st=$?
	runs="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')"
	cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1)"
	crashes="$(find "$out/$t/artifacts" -type f | wc -l)"
	echo "$t: exit $st, ${runs:-?} executions, $cov, $crashes crash/leak/timeout inputs"
	if [ "$st" -eq 0 ] && [ "$crashes" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		grep -E 'ERROR|SUMMARY|invariant violated|runtime error' "$log" | head -n 20
		ls "$out/$t/artifacts"
	fi
done
[ -n "${FUZZ_OUT:-}" ] || [ "$failed" -ne 0 ] || rm -rf "$out"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
