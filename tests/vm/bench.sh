#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Issue 6's allocation ratio in a real kernel: boots the VM of tests/vm/run.sh (same kernel,
# initramfs and qemu; tests/vm/vm_lib.sh) with //bench:vm_alloc_bench instead of the tests, which
# measures raw DMA_HEAP_IOCTL_ALLOC against heapsolve's allocatePlan() on every heap, 4 KiB and
# 1 MiB, with the repetitions of both paths interleaved in one run. Writes the Google Benchmark
# JSON to bench/results/vm_alloc.json and prints the ratios (bench/compare.py --vm).
#   HEAPSOLVE_TEST_KERNEL=/work/shared/kernel/bzImage-6.12-heaps tests/vm/bench.sh [REPETITIONS]
# Not part of CI (several minutes under TCG); scripts/bench.sh runs it.
# HEAPSOLVE_VM_STRACE=1 first runs each path of the system heap's 4 KiB pair under strace (Debian's
# strace, brought in with its libraries) and prints the syscalls of its last iterations: what the
# heapsolve path does beyond the raw ioctl. HEAPSOLVE_VM_CALLGRIND=1 runs the same pair under
# valgrind's callgrind (Debian's valgrind, brought in) and prints the instructions per iteration
# of each path and of the functions under them (bench/callgrind_summary.py).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
reps=${1:-20}
# Per repetition of each benchmark; Google Benchmark 1.7 takes seconds as a plain number.
min_time=${HEAPSOLVE_VM_BENCH_MIN_TIME:-0.2}
timeout_s=${HEAPSOLVE_VM_TIMEOUT:-900}
results=$repo/bench/results
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "bench.sh: $*" >&2; exit 2; }
. "$repo/tests/vm/vm_lib.sh"
vm_tools

# -c opt like the other benchmarks. Dynamically linked: Debian ships libbenchmark only as a
# shared library, so vm_add brings the libraries into the initramfs.
bazel build -c opt --ui_event_filters=-info,-stdout,-stderr --noshow_progress //bench:vm_alloc_bench ||
	die "building //bench:vm_alloc_bench failed"
bench_bin=$(bazel info -c opt bazel-bin 2>/dev/null)/bench/vm_alloc_bench
[ -f "$bench_bin" ] || die "no $bench_bin after the build"

vm_kernel
vm_add "$bench_bin" vm_alloc_bench
profile=""
if [ "${HEAPSOLVE_VM_STRACE:-0}" = 1 ]; then
	vm_add "$(command -v strace)" strace
	for path in raw heapsolve; do
		profile="$profile
/strace -f -o /tmp/$path.trace /vm_alloc_bench --benchmark_filter='^$path/system/4096\$' --benchmark_min_time=0.01 >/dev/null 2>&1
grep -v -e 'write(1' -e '+++' -e 'exit' /tmp/$path.trace | tail -n 24 | sed 's/^[0-9]* */@@HEAPSOLVE STRACE $path: /'"
	done
fi
if [ "${HEAPSOLVE_VM_CALLGRIND:-0}" = 1 ]; then
	vm_add /usr/bin/valgrind.bin valgrind
	mkdir -p "$root/usr/libexec/valgrind"
	cp /usr/libexec/valgrind/{callgrind-amd64-linux,vgpreload_core-amd64-linux.so,default.supp} "$root/usr/libexec/valgrind/"
	profile="$profile
/valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out /vm_alloc_bench --benchmark_filter='^((raw|heapsolve)/system/4096|adapter/system/4096/.*)\$' \\
	--benchmark_min_time=0.5 >/dev/null 2>/tmp/cg.err
sed 's/^/@@HEAPSOLVE CGOUT /' /tmp/cg.out"
fi
vm_initramfs "$profile
/vm_alloc_bench --benchmark_repetitions=$reps --benchmark_enable_random_interleaving=true \\
	--benchmark_min_time=$min_time --benchmark_out=/tmp/vm_alloc.json --benchmark_out_format=json \\
	--benchmark_format=console >/dev/null 2>/tmp/bench.err
echo \"@@HEAPSOLVE EXIT \$?\"
sed 's/^/@@HEAPSOLVE ERR /' /tmp/bench.err
echo '@@HEAPSOLVE JSON-BEGIN'
sed 's/^/@@HEAPSOLVE JSON /' /tmp/vm_alloc.json
echo '@@HEAPSOLVE JSON-END'"

echo "bench.sh: booting, $reps interleaved repetitions of ${min_time} s each"
vm_boot "$timeout_s"
grep '^@@HEAPSOLVE INFO' "$work/markers" | sed 's/^@@HEAPSOLVE INFO /  /' || true
grep '^@@HEAPSOLVE STRACE' "$work/markers" | sed 's/^@@HEAPSOLVE STRACE /  /' || true
if grep -q '^@@HEAPSOLVE CGOUT' "$work/markers"; then
	sed -n 's/^@@HEAPSOLVE CGOUT //p' "$work/markers" >"$work/cg.out"
	python3 "$repo/bench/callgrind_summary.py" "$work/cg.out" | sed 's/^/  /'
	cp "$work/cg.out" "${TMPDIR:-/tmp}/vm_alloc.callgrind.out" &&
		echo "  (profile kept in ${TMPDIR:-/tmp}/vm_alloc.callgrind.out for callgrind_annotate)"
fi
grep '^@@HEAPSOLVE ERR' "$work/markers" | sed 's/^@@HEAPSOLVE ERR /  /' || true
if ! grep -q '^@@HEAPSOLVE JSON-END' "$work/markers"; then
	echo "bench.sh: the benchmark did not finish (qemu exit $qemu_rc after $boot_s s; timeout ${timeout_s} s). Console tail:"
	tail -n 30 "$work/console.log" | tr -d '\r' | sed 's/^/  | /'
	exit 2
fi
grep -q '^@@HEAPSOLVE EXIT 0$' "$work/markers" || die "vm_alloc_bench failed in the VM: $(grep '^@@HEAPSOLVE EXIT' "$work/markers")"
mkdir -p "$results"
sed -n 's/^@@HEAPSOLVE JSON //p' "$work/markers" >"$work/vm_alloc.json"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$work/vm_alloc.json" ||
	die "the JSON from the console does not parse"
# Where the figures came from: the host runs qemu (TCG), so its CPU and load are the machine.
python3 - "$work/vm_alloc.json" "$results/vm_alloc.json" "$kernel" "$reps" "$min_time" <<'PY'
import json, os, sys
data = json.load(open(sys.argv[1]))
model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
data["host"] = {"nproc": os.cpu_count(), "cpu": model, "loadavg": os.getloadavg(),
                "emulation": "qemu-system-x86_64 TCG, -smp 1 -m 512M", "kernel": os.path.basename(sys.argv[3]),
                "repetitions": int(sys.argv[4]), "min_time_s": float(sys.argv[5])}
json.dump(data, open(sys.argv[2], "w"), indent=1)
PY
echo "bench.sh: VM ran $boot_s s; wrote $results/vm_alloc.json"
python3 "$repo/bench/compare.py" --vm "$results"
