#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The GStreamer stage (issue 13): boots the media kernel with the host's root over 9p and runs, in
# `chroot /host`, the host's own GStreamer 1.22 with the heapsolvealloc plugin Bazel built, on real
# drivers: vivid (dma-contig) and vicodec into kmssink on vkms (tests/vm/gst/guest.sh says what
# each test asserts). Last line: "N passed, M failed" (scripts/test reads it).
#
# Needs on the host: gst-launch-1.0's runtime with gstreamer1.0-plugins-base, -good (v4l2src,
# v4l2fwhtenc/-dec) and -bad (kmssink), which scripts/deps.sh installs. The guest sees the host's
# files at the same paths, so the plugin, the runner and the CLI are used where Bazel put them.
# Kernel: $HEAPSOLVE_TEST_KERNEL (../shared/kernel/bzImage-6.12-media in CI), else what
# tests/vm/vm_lib.sh picks. A skipped test counts as failed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"
start=$(date +%s)
timeout_s=${HEAPSOLVE_VM_TIMEOUT:-600}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "gst/run.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }
. "$repo/tests/vm/vm_lib.sh"
vm_tools
for p in gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-tools; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || die "$p is not installed (scripts/deps.sh)"
done

bazel build --ui_event_filters=-info,-stdout,-stderr --noshow_progress \
	//gst:libgstheapsolve.so //tests/vm:gst_runner //cli:heapsolve || die "bazel build failed"
bin=$(readlink -f "$(bazel info bazel-bin 2>/dev/null)")
for f in gst/libgstheapsolve.so tests/vm/gst_runner cli/heapsolve; do
	[ -f "$bin/$f" ] || die "no $bin/$f after the build"
done

vm_kernel
vm_host_root
# The guest script is copied at boot, so that editing it during a run does not change the run.
vm_initramfs "$host_root_mount
cp /host$repo/tests/vm/gst/guest.sh /host/run/guest.sh
chroot /host /bin/bash /run/guest.sh $bin/gst $bin/tests/vm/gst_runner $bin/cli/heapsolve"

echo "gst/run.sh: booting ($(($(date +%s) - start)) s so far)"
vm_boot "$timeout_s" "${host_root_args[@]}"
vm_verdict gst/run.sh
failed=$((failed + skipped))
echo "gst/run.sh: VM ran $boot_s s, whole stage $(($(date +%s) - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
