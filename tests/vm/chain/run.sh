#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The chain stage (issue 13): boots the media kernel (everything of the heaps kernel plus V4L2's
# test drivers and vkms's writeback connector) with the static //tests/vm:chain_tests, runs them
# as root and parses the marker lines. Last line: "N passed, M failed" (scripts/test reads it).
#
# Kernel: $HEAPSOLVE_TEST_KERNEL (../shared/kernel/bzImage-6.12-media in CI), else what
# tests/vm/vm_lib.sh picks. The command line is the media kernel's (../shared/kernel/README.md):
# vivid.allocators=1 makes vivid use videobuf2-dma-contig, so it really needs contiguous memory;
# cma=64M@0-256M places the CMA heap's area. A skipped test counts as failed: this stage exists to
# run the chain, and a kernel without the drivers is a broken CI setup, not a reason to pass.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"
start=$(date +%s)
timeout_s=${HEAPSOLVE_VM_TIMEOUT:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "chain/run.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
. "$repo/tests/vm/vm_lib.sh"
vm_tools

bazel build --force_pic --ui_event_filters=-info,-stdout,-stderr --noshow_progress //tests/vm:chain_tests ||
	die "building //tests/vm:chain_tests failed"
tests_bin=$(bazel info --force_pic bazel-bin 2>/dev/null)/tests/vm/chain_tests
[ -f "$tests_bin" ] || die "no $tests_bin after the build"

vm_kernel
vm_add "$tests_bin" chain_tests
vm_initramfs '/chain_tests --gtest_color=no
echo "@@HEAPSOLVE EXIT $?"'

echo "chain/run.sh: booting ($(($(date +%s) - start)) s so far)"
vm_boot "$timeout_s"
vm_verdict chain/run.sh
# A skipped test counts as failed here (see above).
failed=$((failed + skipped))
echo "chain/run.sh: VM ran $boot_s s, whole stage $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
