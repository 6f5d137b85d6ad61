#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs `heapsolve check --json` on every profile combination listed in tests/profiles/cases.txt
# and checks the exit status and, buffer by buffer, the chosen heap (or that it is unsatisfiable).
# Also checks that every profiles/<soc>/ directory is used by at least one case.
set -u
bin="$1"
root="profiles"
manifest="tests/profiles/cases.txt"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
passes=0
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# Prints "name ok heap" per buffer (heap "-" when not ok) from check --json on stdin.
buffers_of() {
	if command -v jq >/dev/null 2>&1; then
		jq -r '.buffers[] | "\(.name) \(if .ok then .heap else "-" end)"'
	else
		sed -n 's/^ *{"name": "\([^"]*\)", "ok": true, "heap": "\([^"]*\)".*/\1 \2/p;
		        s/^ *{"name": "\([^"]*\)", "ok": false.*/\1 -/p'
	fi
}

used=" "
n=0
while IFS= read -r line || [ -n "$line" ]; do
	case "$line" in '#'* | '') continue ;; esac
	n=$((n + 1))
	set -f
	# shellcheck disable=SC2086
	set -- $line
	set +f
	want_status="$1"; shift
	files=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		files+=("$root/$1")
		used="$used${1%%/*} "
		shift
	done
	[ "${1:-}" = "--" ] && shift
	want="$(printf '%s\n' "$@" | tr '=' ' ')"
	label="case $n (${files[*]##*/})"

	"$bin" check --json "${files[@]}" >"$tmp/out.$n.json" 2>"$tmp/err.$n.txt"
	status=$?
	ok=1
	if [ "$status" != "$want_status" ]; then
		fail "$label: exit $status, expected $want_status"; cat "$tmp/err.$n.txt"; ok=0
	fi
	if [ "$status" -le 1 ]; then
		got="$(buffers_of <"$tmp/out.$n.json")"
		if [ "$got" != "$want" ]; then
			[ "$ok" = 1 ] && fail "$label: buffers differ"
			[ "$ok" = 0 ] && echo "  (and buffers differ)"
			diff <(echo "$want") <(echo "$got") | sed 's/^/  /'
			ok=0
		fi
	fi
	[ "$ok" = 1 ] && passes=$((passes + 1))
done <"$manifest"

for dir in "$root"/*/; do
	soc="$(basename "$dir")"
	case "$used" in *" $soc "*) ;; *) fail "profile $soc appears in no case of $manifest" ;; esac
done
[ "$n" -gt 0 ] || fail "no cases read from $manifest"
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
