#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Promise: the solver is pure. Its object code calls nothing that reads the environment, the clock,
# randomness, files or the locale; checked on the symbols the solver's archives leave undefined.
set -eu
forbidden='^(getenv|secure_getenv|setlocale|localeconv|nl_langinfo|time|clock|clock_gettime|gettimeofday|rand|random|srand|drand48|getrandom|open|open64|openat|fopen|fopen64|read|ioctl|mmap|syslog|printf|puts|fprintf|std::random_device.*|std::chrono::.*now\(\))(@.*)?$'
checked=0
for lib in "$@"; do
	case "$lib" in *.a) ;; *) continue ;; esac
	checked=$((checked + 1))
	bad="$(nm -C --undefined-only "$lib" | awk '{ $1 = ""; sub(/^ /, ""); print }' | grep -E "$forbidden" || true)"
	if [ -n "$bad" ]; then
		echo "FAIL: $lib calls:"
		echo "$bad"
		exit 1
	fi
done
[ "$checked" -gt 0 ] || { echo "no archive given"; exit 1; }
echo "$checked archives checked"
