#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Issue 13's per-frame cost of heapsolvealloc in dma-heap mode: boots the media kernel with the
# host's root over 9p (../shared/kernel/README.md) and runs //bench:gst_bench in the guest with
# `chroot /host` (vm_lib.sh's vm_host_root), so the host's own GStreamer and the Bazel-built
# binary and plugin run there.
# In the guest /dev/dma_heap/system exists, so gst_bench adds its heapsolvealloc-dmaheap
# pipelines (the plan's heap, allocated through the adapters) beside identity and memfd.
# Writes the Google Benchmark JSON to bench/results/gst_bench_vm.json and prints the table
# (bench/gst_summary.py). HEAPSOLVE_VM_CALLGRIND=1 first runs bench/gst_callgrind.sh in the guest
# (instructions per frame of each pipeline, dma-heap included; frames 20 -> 120, since valgrind
# under TCG is slow: about 15 minutes more). Not part of CI: it times things, and TCG's figures
# say little of a real machine's.
#   HEAPSOLVE_TEST_KERNEL=../shared/kernel/bzImage-6.12-media tests/vm/gst_bench.sh [REPETITIONS]
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
reps=${1:-3}
timeout_s=${HEAPSOLVE_VM_TIMEOUT:-1800}
results=$repo/bench/results
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "gst_bench.sh: $*" >&2; exit 2; }
. "$repo/tests/vm/vm_lib.sh"
vm_tools

bazel build -c opt --ui_event_filters=-info,-stdout,-stderr --noshow_progress //bench:gst_bench ||
	die "building //bench:gst_bench failed"
bench_bin=$(bazel info -c opt bazel-bin 2>/dev/null)/bench/gst_bench
[ -x "$bench_bin" ] || die "no $bench_bin after the build"
# The guest sees the host's / read-only: the binary, its runfiles (plugin and system file) and
# Debian's GStreamer at the host's paths.
bench_bin=$(readlink -f "$bench_bin")
profile=""
if [ "${HEAPSOLVE_VM_CALLGRIND:-0}" = 1 ]; then
	command -v valgrind >/dev/null || die "HEAPSOLVE_VM_CALLGRIND=1 needs valgrind on the host (apt-get install -y valgrind)"
	profile="chroot /host env TMPDIR=/run $repo/bench/gst_callgrind.sh $(dirname "$(dirname "$bench_bin")") 20 120 2>&1 | sed 's/^/@@HEAPSOLVE CG /'"
fi

vm_kernel
vm_host_root
# The host's root on /host (vm_lib.sh's vm_host_root: the guest's /proc, /sys, /dev inside and a
# tmpfs /run, the only writable place), then the benchmark as root in `chroot /host` (gst_bench
# loads its four plugins by file: no registry scan).
vm_initramfs "$host_root_mount
echo \"@@HEAPSOLVE INFO guest CPU \$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), \$(grep -c ^processor /proc/cpuinfo) CPU\"
$profile
chroot /host $bench_bin --benchmark_repetitions=$reps --benchmark_enable_random_interleaving=true \\
	--benchmark_out=/run/gst_bench.json --benchmark_out_format=json --benchmark_format=console >/host/run/out.txt 2>/host/run/bench.err
echo \"@@HEAPSOLVE EXIT \$?\"
sed 's/^/@@HEAPSOLVE OUT /' /host/run/out.txt
sed 's/^/@@HEAPSOLVE ERR /' /host/run/bench.err
echo '@@HEAPSOLVE JSON-BEGIN'
sed 's/^/@@HEAPSOLVE JSON /' /host/run/gst_bench.json
echo '@@HEAPSOLVE JSON-END'"

echo "gst_bench.sh: booting, $reps interleaved repetitions"
vm_boot "$timeout_s" "${host_root_args[@]}"
grep '^@@HEAPSOLVE INFO' "$work/markers" | sed 's/^@@HEAPSOLVE INFO /  /' || true
grep -E '^@@HEAPSOLVE (CG|OUT|ERR)' "$work/markers" | sed -E 's/^@@HEAPSOLVE (CG|OUT|ERR) ?/  /' || true
if ! grep -q '^@@HEAPSOLVE JSON-END' "$work/markers"; then
	echo "gst_bench.sh: the benchmark did not finish (qemu exit $qemu_rc after $boot_s s; timeout ${timeout_s} s). Console tail:"
	tail -n 30 "$work/console.log" | tr -d '\r' | sed 's/^/  | /'
	exit 2
fi
grep -q '^@@HEAPSOLVE EXIT 0$' "$work/markers" || die "gst_bench failed in the VM: $(grep '^@@HEAPSOLVE EXIT' "$work/markers")"
mkdir -p "$results"
sed -n 's/^@@HEAPSOLVE JSON //p' "$work/markers" >"$work/gst_bench.json"
python3 - "$work/gst_bench.json" "$results/gst_bench_vm.json" "$kernel" <<'PY'
import json, os, sys
data = json.load(open(sys.argv[1]))
model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
data["host"] = {"nproc": os.cpu_count(), "cpu": model, "loadavg_at_end": os.getloadavg(),
                "emulation": "qemu-system-x86_64 TCG (no KVM), -smp 1 -m 1024M", "kernel": os.path.basename(sys.argv[3])}
json.dump(data, open(sys.argv[2], "w"), indent=1)
PY
echo "gst_bench.sh: VM ran $boot_s s; host load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); wrote $results/gst_bench_vm.json"
python3 "$repo/bench/gst_summary.py" "$results/gst_bench_vm.json"
