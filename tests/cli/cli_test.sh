#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The heapsolve binary's command line: help, version, usage errors and exit codes.
set -u
bin="$1"
version="$(grep -v '^#' "$2")" # the file VERSION
fails=0
passes=0
expect_status() {
	local want="$1"; shift
	"$@" >"$TEST_TMPDIR/out" 2>"$TEST_TMPDIR/err"
	local got=$?
	if [ "$got" -eq "$want" ]; then
		passes=$((passes + 1))
	else
		echo "FAIL: '$*' exited $got, expected $want"; cat "$TEST_TMPDIR/out" "$TEST_TMPDIR/err"
		fails=$((fails + 1))
	fi
}
expect_grep() {
	local file="$1" pattern="$2"
	if grep -q -- "$pattern" "$file"; then passes=$((passes + 1)); else
		echo "FAIL: $file lacks '$pattern':"; cat "$file"; fails=$((fails + 1)); fi
}

expect_status 0 "$bin" --help
expect_grep "$TEST_TMPDIR/out" "check"
expect_status 0 "$bin" --version
expect_grep "$TEST_TMPDIR/out" "heapsolve $version (schema 1)"
expect_status 0 "$bin" check --help
expect_grep "$TEST_TMPDIR/out" "--json"
expect_status 2 "$bin"
expect_grep "$TEST_TMPDIR/err" "heapsolve: error:"
expect_status 2 "$bin" check
expect_status 2 "$bin" check --frobnicate x.yaml
expect_status 2 "$bin" check /nonexistent.yaml
expect_grep "$TEST_TMPDIR/err" "^/nonexistent.yaml:1:1: error: cannot read"
# What a new user tries: a directory for a file, YAML nested 100,000 deep. Each says what it is.
mkdir -p "$TEST_TMPDIR/adir"
expect_status 2 "$bin" check "$TEST_TMPDIR/adir"
expect_grep "$TEST_TMPDIR/err" "^$TEST_TMPDIR/adir:1:1: error: cannot read: Is a directory$"
head -c 100000 /dev/zero | tr '\0' '[' >"$TEST_TMPDIR/deep.yaml"
expect_status 2 "$bin" check "$TEST_TMPDIR/deep.yaml"
expect_grep "$TEST_TMPDIR/err" "^$TEST_TMPDIR/deep.yaml:1:65: error: nesting deeper than 64 levels$"

cat >"$TEST_TMPDIR/ok.yaml" <<'YAML'
version: 1
heaps: [{name: system, backend: dma-heap}]
devices: [{name: cam, kind: camera}]
buffers: [{name: b, format: NV12, width: 64, height: 64, producer: cam}]
YAML
expect_status 0 "$bin" check --json "$TEST_TMPDIR/ok.yaml"
expect_grep "$TEST_TMPDIR/out" '"heap": "system"'
# The result must not depend on the environment.
expect_status 0 env -i HEAPSOLVE_HEAP=cma LANG=C "$bin" check --json "$TEST_TMPDIR/ok.yaml"
expect_grep "$TEST_TMPDIR/out" '"heap": "system"'

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
