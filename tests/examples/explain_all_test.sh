#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every unsatisfiable buffer of the shipped examples and profile pipelines gets a minimal conflict
# and a suggestion (each suggestion was proved by re-solving inside heapsolve before printing).
set -u
bin="$1"
n=0
run() {
	n=$((n + 1))
	echo "$1" >"$TEST_TMPDIR/case$n.label"
	shift
	"$bin" check --json --explain "$@" >"$TEST_TMPDIR/case$n.json" 2>"$TEST_TMPDIR/case$n.err"
}
for ex in examples/*/; do
	run "$ex" "$ex"*.yaml
done
while read -r status rest; do
	# Exit 2 is bad input: it prints no JSON and has nothing to explain.
	case "$status" in ''|'#'*|2) continue ;; esac
	files="${rest%% -- *}"
	args=()
	for f in $files; do args+=("profiles/$f"); done
	run "$files" "${args[@]}"
done < tests/profiles/cases.txt

# One interpreter for all cases (starting python3 is the slow part here).
python3 - "$TEST_TMPDIR" "$n" <<'PY'
import json, sys
tmp, n = sys.argv[1], int(sys.argv[2])
passes = fails = 0
for i in range(1, n + 1):
    label = open(f"{tmp}/case{i}.label").read().strip()
    try:
        data = json.load(open(f"{tmp}/case{i}.json"))
    except ValueError:
        print(f"FAIL: {label}: no JSON; stderr: {open(f'{tmp}/case{i}.err').read()}")
        fails += 1
        continue
    bad = []
    for b in data["buffers"]:
        if b["ok"]:
            continue
        pairs = set((c["user"], c["rule"]) for c in b["conflicts"])
        if not b.get("minimal"):
            bad.append(b["name"] + ": no minimal conflict")
        elif not set((m["user"], m["rule"]) for m in b["minimal"]) <= pairs:
            bad.append(b["name"] + ": minimal is not a subset of the conflicts")
        if not b.get("suggestion"):
            bad.append(b["name"] + ": no suggestion")
    for line in bad:
        print(f"FAIL: {label}: {line}")
    if bad:
        fails += 1
    else:
        passes += 1
print(f"{passes} passed, {fails} failed")
sys.exit(1 if fails or passes < 20 else 0)
PY
