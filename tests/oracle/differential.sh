#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Differential test of `heapsolve check --json` against the Python reference.
# Usage: differential.sh HEAPSOLVE [--count N] [--seed FIRST] [--max-report K]
# Prints each mismatch (seed, files, both outputs) and `N passed, M failed`.
set -eu
here=$(dirname "$0")
# Debian's python3 with python3-yaml; Bazel's test PATH may not include others.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
[ $# -ge 1 ] || { echo "usage: $0 HEAPSOLVE [--count N] [--seed S]" >&2; exit 2; }
exec "$py" "$here/differential.py" "$@"
