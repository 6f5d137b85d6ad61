#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Differential test of `heapsolve check --json` against the Python reference.
# Usage: differential.sh HEAPSOLVE [--count N] [--seed FIRST] [--max-report K]
#                        [--additions]
# Prints each mismatch (seed, files, both outputs) and `N passed, M failed`.
# ORACLE_ADDITIONS=1 in the environment is the same as --additions: systems
# that also use page_size, per-format modifiers, chroma_stride and capacity
# (e.g. `bazel test //tests/oracle:differential_test
# --test_env=ORACLE_ADDITIONS=1`, or the target differential_additions_test).
set -eu
here=$(dirname "$0")
# Debian's python3 with python3-yaml; Bazel's test PATH may not include others.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
[ $# -ge 1 ] || { echo "usage: $0 HEAPSOLVE [--count N] [--seed S]" >&2; exit 2; }
if [ "${ORACLE_ADDITIONS:-0}" = 1 ]; then
    set -- "$@" --additions
fi
exec "$py" "$here/differential.py" "$@"
