#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The VM stage: boots a real Linux kernel under qemu-system-x86_64 (software emulation; no KVM
# needed) with an initramfs of busybox and the static adapter tests, runs them as root, parses
# the marker lines from the serial console and fails on any failure. Last line:
# "N passed, M failed, K skipped" (scripts/test reads the first two).
#
# Kernel, initramfs and boot: tests/vm/vm_lib.sh (shared with tests/vm/bench.sh). Without
# $HEAPSOLVE_TEST_KERNEL, the kernel of tests/vm/kernel/config.fragment, built on the first run
# (tests/vm/kernel/build.sh) and cached. That kernel has everything the tests need, so a test that
# skips counts as failed too; HEAPSOLVE_VM_ALLOW_SKIPS=1 lets skips pass (a kernel of your own that
# lacks something, on purpose).
# Before booting, two checks count as tests: the kernel's .config (when one lies beside it) and
# ../shared/kernel/config-6.12-media (when that exists beside the repository) hold every option of
# tests/vm/kernel/config.fragment (tests/vm/kernel/check.sh).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
start=$(date +%s)
# 300 s: the 100,000 alloc/free cycles of cycles_test take about 15 s under TCG on a loaded host
# (65 s before the dma-heap adapter kept its node open).
timeout_s=${HEAPSOLVE_VM_TIMEOUT:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "run.sh: $*" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
. "$repo/tests/vm/vm_lib.sh"
vm_tools

# The tests, linked statically (see tests/vm/BUILD). --force_pic makes the static link use the
# same PIC objects `bazel test //...` compiled, instead of compiling every source again (2+ min).
bazel build --force_pic --ui_event_filters=-info,-stdout,-stderr --noshow_progress //tests/vm:vm_tests ||
	die "building //tests/vm:vm_tests failed"
tests_bin=$(bazel info --force_pic bazel-bin 2>/dev/null)/tests/vm/vm_tests
[ -f "$tests_bin" ] || die "no $tests_bin after the build"

vm_kernel

# The kernel configurations against the options the tests need.
host_passed=0
host_failed=0
fragment=tests/vm/kernel/config.fragment
configs=()
if [ -n "$kernel_config" ]; then
	configs+=("$kernel_config")
else
	echo "run.sh: no .config beside $kernel: its options are not checked"
fi
shared_config=$(cd "$repo/.." && pwd)/shared/kernel/config-6.12-media
[ -f "$shared_config" ] && [ "$shared_config" != "$kernel_config" ] && configs+=("$shared_config")
for config in "${configs[@]}"; do
	if tests/vm/kernel/check.sh "$fragment" "$config" | sed 's/^/  /'; then
		host_passed=$((host_passed + 1))
	else
		echo "  FAIL config: $config lacks options the tests need (above)"
		host_failed=$((host_failed + 1))
	fi
done

# The initramfs: busybox, the tests, an init that runs them and powers off.
vm_add "$tests_bin" vm_tests
vm_initramfs '/vm_tests --gtest_color=no
echo "@@HEAPSOLVE EXIT $?"'

echo "run.sh: booting ($(($(date +%s) - start)) s so far)"
vm_boot "$timeout_s"

# The verdict, from the markers only (the console also carries firmware and kernel noise).
vm_verdict run.sh
if [ "$skipped" -gt 0 ] && [ "${HEAPSOLVE_VM_ALLOW_SKIPS:-0}" != 1 ]; then
	echo "run.sh: $skipped skipped: this kernel should have everything the tests need, so they count as failed (HEAPSOLVE_VM_ALLOW_SKIPS=1 allows them)"
	failed=$((failed + skipped))
fi
passed=$((passed + host_passed))
failed=$((failed + host_failed))
echo "run.sh: VM ran $boot_s s, whole stage $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
