#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The VM stage: boots a real Linux kernel under qemu-system-x86_64 (software emulation; no KVM
# needed) with an initramfs of busybox and the static adapter tests, runs them as root, parses
# the marker lines from the serial console and fails on any failure. Last line: "N passed, M failed".
#
# Kernel, initramfs and boot: tests/vm/vm_lib.sh (shared with tests/vm/bench.sh). Without
# $HEAPSOLVE_TEST_KERNEL, Debian's kernel has no CMA heap and no vkms: those tests skip and say so.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
start=$(date +%s)
# 300 s: the 100,000 alloc/free cycles of cycles_test take about 15 s under TCG on a loaded host
# (65 s before the dma-heap adapter kept its node open).
timeout_s=${HEAPSOLVE_VM_TIMEOUT:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "run.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
. "$repo/tests/vm/vm_lib.sh"
vm_tools

# The tests, linked statically (see tests/vm/BUILD). --force_pic makes the static link use the
# same PIC objects `bazel test //...` compiled, instead of compiling every source again (2+ min).
bazel build --force_pic --ui_event_filters=-info,-stdout,-stderr --noshow_progress //tests/vm:vm_tests ||
	die "building //tests/vm:vm_tests failed"
tests_bin=$(bazel info --force_pic bazel-bin 2>/dev/null)/tests/vm/vm_tests
[ -f "$tests_bin" ] || die "no $tests_bin after the build"

# The initramfs: busybox, the tests, an init that runs them and powers off.
vm_kernel
vm_add "$tests_bin" vm_tests
vm_initramfs '/vm_tests --gtest_color=no
echo "@@HEAPSOLVE EXIT $?"'

echo "run.sh: booting ($(($(date +%s) - start)) s so far)"
vm_boot "$timeout_s"
log=${HEAPSOLVE_VM_LOG:-$work/console.log}
[ "$log" = "$work/console.log" ] || cp "$work/console.log" "$log"

# The verdict, from the markers only (the console also carries firmware and kernel noise).
grep '^@@HEAPSOLVE INFO' "$work/markers" | sed 's/^@@HEAPSOLVE INFO /  /' || true
grep '^@@HEAPSOLVE SKIP' "$work/markers" | sed 's/^@@HEAPSOLVE /  /' || true
grep '^@@HEAPSOLVE FAIL' "$work/markers" | sed 's/^@@HEAPSOLVE /  /' || true
passed=$(grep -c '^@@HEAPSOLVE PASS' "$work/markers" || true)
failed=$(grep -c '^@@HEAPSOLVE FAIL' "$work/markers" || true)
skipped=$(grep -c '^@@HEAPSOLVE SKIP' "$work/markers" || true)
if ! grep -q '^@@HEAPSOLVE DONE' "$work/markers"; then
	echo "run.sh: the tests did not finish (qemu exit $qemu_rc after $boot_s s; timeout ${timeout_s} s). Console tail:"
	tail -n 30 "$work/console.log" | tr -d '\r' | sed 's/^/  | /'
	failed=$((failed + 1))
fi
echo "run.sh: VM ran $boot_s s, whole stage $(($(date +%s) - start)) s; $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
