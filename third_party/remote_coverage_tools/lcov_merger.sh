#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Concatenates the per-test LCOV tracefiles that collect_cc_coverage.sh wrote into --output_file.
set -eu
out=""
for arg in "$@"; do
  case "$arg" in
    --output_file=*) out="${arg#--output_file=}" ;;
  esac
done
[ -n "$out" ] || exit 0
: > "$out"
dir="${COVERAGE_DIR:-.}"
find "$dir" -name '*.dat' -o -name '_cc_coverage.dat' 2>/dev/null | while read -r f; do
  cat "$f" >> "$out"
done
exit 0
