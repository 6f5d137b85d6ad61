#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Promise: no environment variable or global state changes the answer. Runs `heapsolve check`
# (plain, --json and --dot on the examples; --json on every profile case) under a bare
# environment, then under other locales (Turkish and German, built here with localedef: dotless
# i, comma decimals, '.' thousands), a time zone and HOME, made-up HEAPSOLVE_* variables, malloc
# perturbation, umask 077 and POSIXLY_CORRECT, and compares stdout, stderr and the exit status
# byte for byte.
set -u
heapsolve="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
top="$PWD"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
loc="$tmp/locales"
mkdir -p "$loc"
made=()
for l in tr_TR de_DE; do
	if localedef -i "$l" -f UTF-8 "$loc/$l.UTF-8" 2>/dev/null; then
		made+=("$l.UTF-8")
	fi
done
[ ${#made[@]} -eq 2 ] || { echo "localedef could not build tr_TR and de_DE (Debian package locales)"; exit 1; }

# The systems: every example, and every profile case, as "dir|file file file".
systems=()
for d in examples/*/; do
	systems+=("examples/$(basename "$d")|board.yaml devices.yaml pipeline.yaml")
done
while read -r _status board devices pipeline _rest; do
	systems+=("profiles|$board $devices $pipeline")
done < <(grep -vE '^(#|$)' tests/profiles/cases.txt)

# Run all systems in all formats; write one transcript to $1. Runs in the current environment.
transcript() {
	local out="$1"
	: > "$out"
	for s in "${systems[@]}"; do
		local dir="${s%%|*}" files="${s#*|}"
		# Every format for the examples; the profiles in JSON only, to keep the ASan run short.
		local fmts=("" --json --dot)
		[ "$dir" = profiles ] && fmts=(--json)
		for fmt in "${fmts[@]}"; do
			# shellcheck disable=SC2086
			(cd "$top/$dir" && "$heapsolve" check $fmt $files > "$tmp/o" 2> "$tmp/e"; echo "status $?" > "$tmp/s")
			{ echo "== $dir $fmt $files"; cat "$tmp/o" "$tmp/e" "$tmp/s"; } >> "$out"
		done
	done
}

base=(env -i PATH=/usr/bin:/bin)
"${base[@]}" bash -c "$(declare -f transcript); systems=($(printf '%q ' "${systems[@]}")); top=$top tmp=$tmp heapsolve=$heapsolve; transcript $tmp/reference"
lines=$(grep -c '^== ' "$tmp/reference")
[ "$lines" -ge 35 ] || { echo "only $lines runs in the reference transcript"; exit 1; }

passed=0
failed=0
variant() {
	local name="$1"
	shift
	env -i PATH=/usr/bin:/bin "$@" bash -c "$(declare -f transcript); systems=($(printf '%q ' "${systems[@]}")); top=$top tmp=$tmp heapsolve=$heapsolve; transcript $tmp/variant"
	if cmp -s "$tmp/reference" "$tmp/variant"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: the answer changes under $name:"
		diff "$tmp/reference" "$tmp/variant" | head -n 20
	fi
}
variant "LC_ALL=tr_TR.UTF-8" LOCPATH="$loc" LC_ALL=tr_TR.UTF-8 LANG=tr_TR.UTF-8
variant "LC_ALL=de_DE.UTF-8" LOCPATH="$loc" LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8
variant "LANG=de_DE.UTF-8, LC_NUMERIC=tr_TR.UTF-8" LOCPATH="$loc" LANG=de_DE.UTF-8 LC_NUMERIC=tr_TR.UTF-8
variant "TZ and HOME" TZ=Pacific/Chatham HOME=/nonexistent USER=nobody TMPDIR=/nonexistent
variant "made-up HEAPSOLVE_* variables" HEAPSOLVE_POLICY=prefer-system HEAPSOLVE_HEAP=system HEAPSOLVE_DEBUG=1 \
	HEAPSOLVE_FORBID_BACKENDS=dma-heap HEAPSOLVE_TEST_KERNEL=/nonexistent
variant "malloc perturbation" MALLOC_PERTURB_=165 GLIBC_TUNABLES=glibc.malloc.perturb=90:glibc.malloc.tcache_count=0
variant "umask 077, POSIXLY_CORRECT" POSIXLY_CORRECT=1 bash -c 'umask 077; exec "$@"' _
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
