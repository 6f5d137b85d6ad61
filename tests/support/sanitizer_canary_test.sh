#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Proves the sanitizers fire inside Bazel's sandbox: under --config=asan a leak, a heap overflow
# and a signed overflow, under --config=tsan a data race, must each be reported and fail the
# process. In other builds it checks nothing.
set -u
canary="$1"
kind="$("$canary" probe)"
if [ "$kind" = none ]; then
	echo "not a sanitizer build: nothing to prove"
	exit 0
fi
fail=0
expect() {
	local mode="$1" report="$2"
	local out
	out="$("$canary" "$mode" 2>&1)"
	local st=$?
	if [ "$st" -eq 0 ] || ! grep -q "$report" <<< "$out"; then
		echo "FAIL: $mode: exit $st, expected a report matching '$report':"
		echo "$out" | head -n 20
		fail=1
	else
		echo "ok: $mode -> $report (exit $st)"
	fi
}
if [ "$kind" = asan ]; then
	expect leak 'ERROR: LeakSanitizer: detected memory leaks'
	expect overflow 'ERROR: AddressSanitizer: heap-buffer-overflow'
	expect ubsan 'runtime error: signed integer overflow'
else
	expect race 'WARNING: ThreadSanitizer: data race'
fi
exit $fail
