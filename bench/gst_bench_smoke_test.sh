#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# //bench:gst_bench once (--smoke): exit 0 only when every pipeline reached EOS with all its frames
# and heapsolvealloc's frames were fd memory from its own pool (gst_bench.cpp checks both).
set -euo pipefail
out=$("bench/gst_bench" --smoke --benchmark_format=console 2>&1) || { echo "$out"; exit 1; }
echo "$out"
for name in identity/1920x1080 heapsolvealloc-memfd/1920x1080 identity/320x240 heapsolvealloc-memfd/320x240; do
	grep -q "^$name/" <<<"$out" || { echo "gst_bench_smoke_test: no result for $name"; exit 1; }
done
