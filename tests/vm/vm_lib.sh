# SPDX-License-Identifier: Apache-2.0
# Booting one program in a real Linux kernel under qemu-system-x86_64 (TCG, no KVM needed), shared
# by tests/vm/run.sh (the adapter tests), tests/vm/chain/run.sh (the chain), tests/vm/gst/run.sh
# (GStreamer in the guest) and tests/vm/bench.sh (the allocation benchmark).
# Sourced, not run. The caller sets `repo` and `work` (a scratch directory it removes), then:
#   vm_tools                     checks (and installs through scripts/deps.sh) qemu, cpio, busybox
#   vm_kernel                    picks the kernel: sets $kernel, and $kernel_config to its .config
#                                when one lies beside it
#   vm_add BINARY NAME           copies BINARY to /NAME in the initramfs, with its shared libraries
#   vm_initramfs COMMANDS        writes /init (mounts, INFO lines, COMMANDS, power-off)
#                                and packs $work/initrd.cpio.gz
#   vm_boot TIMEOUT [QEMU ARG...] boots it (extra arguments go to qemu, e.g. vm_host_root's);
#                                the console goes to $work/console.log, the @@HEAPSOLVE lines to
#                                $work/markers; sets $qemu_rc and $boot_s. $HEAPSOLVE_VM_APPEND adds
#                                to the kernel command line (e.g. drm.debug=0x1e).
#   vm_verdict NAME              prints the INFO, SKIP and FAIL markers and, when DONE is missing,
#                                the console's tail; sets $passed, $failed (a missing DONE counts
#                                as one failure) and $skipped; copies the console to
#                                $HEAPSOLVE_VM_LOG when set
#   vm_host_root                 the qemu arguments (in $host_root_args) that export the host's /
#                                read-only over 9p, and the init commands (in $host_root_mount)
#                                that mount it on /host with /proc, /sys, /dev, debugfs and a
#                                writable tmpfs /run inside, for `chroot /host` to run the host's
#                                programs
# Kernel: $HEAPSOLVE_TEST_KERNEL when set (a bzImage with everything built in, such as
# ../shared/kernel/bzImage-6.12-media), else the kernel of tests/vm/kernel/config.fragment, which
# tests/vm/kernel/build.sh builds from Debian's linux-source-6.12 on the first run and caches.
# Needs: qemu-system-x86, busybox-static, cpio (apt-get install -y qemu-system-x86 busybox-static cpio).
# The caller defines die() (print why and exit non-zero).

vm_tools() {
	if ! command -v qemu-system-x86_64 >/dev/null || ! command -v cpio >/dev/null || [ ! -x /bin/busybox ]; then
		[ -x "$repo/scripts/deps.sh" ] && "$repo/scripts/deps.sh"
	fi
	local tool
	for tool in qemu-system-x86_64 cpio gzip; do
		command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y qemu-system-x86 busybox-static cpio)"
	done
	[ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' ||
		die "/bin/busybox is not a static busybox (apt-get install -y busybox-static)"
	root=$work/root
	mkdir -p "$root"/{bin,dev,proc,sys,tmp}
}

vm_kernel() {
	if [ -n "${HEAPSOLVE_TEST_KERNEL:-}" ]; then
		kernel=$HEAPSOLVE_TEST_KERNEL
		[ -f "$kernel" ] || die "HEAPSOLVE_TEST_KERNEL=$kernel does not exist"
		echo "$(basename "$0"): kernel $kernel (\$HEAPSOLVE_TEST_KERNEL)"
	else
		echo "$(basename "$0"): HEAPSOLVE_TEST_KERNEL unset: the kernel of tests/vm/kernel/config.fragment, built once and cached"
		kernel=$("$repo/tests/vm/kernel/build.sh" | tail -n 1) && [ -f "$kernel" ] ||
			die "building the test kernel failed (tests/vm/kernel/build.sh)"
		echo "$(basename "$0"): kernel $kernel"
	fi
	# Its .config, where one lies beside it: build.sh's cache has bzImage and config, the shared
	# directory bzImage-6.12-media and config-6.12-media.
	kernel_config=$(dirname "$kernel")/$(basename "$kernel" | sed 's/bzImage/config/')
	[ "$kernel_config" != "$kernel" ] && [ -f "$kernel_config" ] || kernel_config=""
}

# A static binary goes in alone; a dynamic one brings the libraries ldd names (and the loader)
# at the same paths.
vm_add() {
	cp "$1" "$root/$2"
	if ! file -L "$1" | grep -q 'statically linked'; then
		local lib
		for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
			cp -L --parents "$lib" "$root/"
		done
	fi
}

vm_initramfs() {
	cp /bin/busybox "$root/bin/busybox"
	cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo "@@HEAPSOLVE INFO kernel \$(uname -r): \$(cat /proc/cmdline)"
echo "@@HEAPSOLVE INFO heaps: \$(ls /dev/dma_heap 2>/dev/null | tr '\n' ' ') dri: \$(ls /dev/dri 2>/dev/null | tr '\n' ' ') udmabuf: \$(ls /dev/udmabuf 2>/dev/null)"
$1
poweroff -f
INIT
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.cpio.gz"
}

# cma=64M@0-256M places the default CMA area below 256 MiB, which the placement test checks.
# vivid.allocators=1 makes vivid use videobuf2-dma-contig (it then needs physically contiguous
# dma-bufs), and 1 GiB leaves the V4L2 drivers and GStreamer room (../shared/kernel/README.md: the
# media kernel's command line). no_timer_check: under TCG on a loaded host the kernel's boot-time
# check of the timer interrupt can miss its window and panic ("IO-APIC + timer doesn't work!",
# seen here with a load average of 22); no_timer_check makes timer_irq_works() answer yes at once
# (arch/x86/kernel/apic/io_apic.c in 6.12), and the timer itself works.
vm_boot() {
	local start limit=$1
	shift
	start=$(date +%s)
	set +e
	timeout "$limit" qemu-system-x86_64 -nographic -no-reboot -m 1024M -smp 1 -nic none \
		-kernel "$kernel" -initrd "$work/initrd.cpio.gz" \
		-append "console=ttyS0 panic=-1 quiet loglevel=1 cma=64M@0-256M vivid.allocators=1 no_timer_check ${HEAPSOLVE_VM_APPEND:-}" \
		"$@" </dev/null >"$work/console.log" 2>&1
	qemu_rc=$?
	set -e
	boot_s=$(($(date +%s) - start))
	# Only the markers: the console also carries firmware and kernel noise.
	tr -d '\r' <"$work/console.log" | grep -o '@@HEAPSOLVE.*' >"$work/markers" || true
}

vm_verdict() {
	local log=${HEAPSOLVE_VM_LOG:-$work/console.log}
	[ "$log" = "$work/console.log" ] || cp "$work/console.log" "$log"
	grep '^@@HEAPSOLVE INFO' "$work/markers" | sed 's/^@@HEAPSOLVE INFO /  /' || true
	grep -E '^@@HEAPSOLVE (SKIP|FAIL)' "$work/markers" | sed 's/^@@HEAPSOLVE /  /' || true
	passed=$(grep -c '^@@HEAPSOLVE PASS' "$work/markers" || true)
	failed=$(grep -c '^@@HEAPSOLVE FAIL' "$work/markers" || true)
	skipped=$(grep -c '^@@HEAPSOLVE SKIP' "$work/markers" || true)
	if ! grep -q '^@@HEAPSOLVE DONE' "$work/markers"; then
		echo "$1: the tests did not finish (qemu exit $qemu_rc after $boot_s s). Console tail:"
		tail -n 30 "$work/console.log" | tr -d '\r' | sed 's/^/  | /'
		failed=$((failed + 1))
	fi
}

# The host's root, read-only, as the guest's /host (../shared/kernel/README.md: the media kernel
# has 9p over virtio). multidevs=remap keeps inode numbers unique across the host's mounts.
# Inside: the guest's own /proc, /sys (with debugfs, for dma_buf/bufinfo), /dev, and a tmpfs on
# /run as the only writable place (it hides the host's /run, which nothing in the guest needs; the
# host's /tmp stays visible, so a checkout or Bazel output under /tmp works too).
vm_host_root() {
	host_root_args=(-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap)
	host_root_mount='mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,ro hostroot /host || echo "@@HEAPSOLVE FAIL mount: 9p hostroot"
mount --bind /proc /host/proc
mount --bind /sys /host/sys
mount -t debugfs debugfs /host/sys/kernel/debug
mount --bind /dev /host/dev
mount -t tmpfs tmpfs /host/run'
}
