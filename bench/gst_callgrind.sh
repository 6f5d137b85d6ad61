#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Instructions per frame of each pipeline of bench/gst_bench.cpp (identity against heapsolvealloc
# in memfd mode), from valgrind's callgrind: the repeatable figure on a shared machine, where the
# benchmark's times move with the load. Each pipeline runs twice in one iteration, with N1 and N2
# frames; (Ir(N2) - Ir(N1)) / (N2 - N1) is the cost of one more frame, every thread counted,
# with setup, the plan and the pools' first allocations cancelled out. Where /dev/dma_heap/system
# exists (the media kernel: HEAPSOLVE_VM_CALLGRIND=1 tests/vm/gst_bench.sh runs this in the guest)
# the dma-heap pipelines are counted too. User-space instructions only: what the kernel does
# (allocating, DMA_BUF_IOCTL_SYNC, page faults) is not counted.
#   bench/gst_callgrind.sh BIN_DIR [N1 N2 [SIZES]]  (BIN_DIR: `bazel info -c opt bazel-bin`;
#                                                   SIZES default "1920x1080 320x240")
set -eu
bin="$1"
n1="${2:-110}"
n2="${3:-1110}"
sizes="${4:-1920x1080 320x240}"
command -v valgrind >/dev/null || { echo "gst_callgrind.sh: needs valgrind (apt-get install -y valgrind)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Total instructions of a callgrind profile ("summary:" line, all threads with --separate-threads=no).
total() { awk '/^summary:/ { print $2; exit }' "$1"; }

echo "pipeline, instructions per frame (frames $n1 -> $n2)"
for size in $sizes; do
	pipelines="identity heapsolvealloc-memfd"
	[ -w /dev/dma_heap/system ] && pipelines="$pipelines heapsolvealloc-dmaheap"
	for pipeline in $pipelines; do
		for n in "$n1" "$n2"; do
			valgrind --tool=callgrind --callgrind-out-file="$work/cg.$n" "$bin/bench/gst_bench" --frames="$n" \
				--benchmark_filter="^$pipeline/$size/" >"$work/out.$n" 2>"$work/log.$n" ||
				{ cat "$work/out.$n" "$work/log.$n" >&2; exit 1; }
		done
		a="$(total "$work/cg.$n1")"
		b="$(total "$work/cg.$n2")"
		echo "$pipeline/$size, $(((b - a) / (n2 - n1)))"
	done
done
