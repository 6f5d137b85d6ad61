#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The VM stage: boots a real Linux kernel under qemu-system-x86_64 (software emulation; no KVM
# needed) with an initramfs of busybox and the static adapter tests, runs them as root, parses
# the marker lines from the serial console and fails on any failure. Last line: "N passed, M failed".
#
# Kernel: $HEAPSOLVE_TEST_KERNEL when set (a bzImage with everything built in, such as
# /work/shared/kernel/bzImage-6.12-heaps), else Debian's linux-image-6.12-amd64 fetched with
# `apt-get download` into $HEAPSOLVE_VM_CACHE (modules udmabuf and vgem loaded from it; that
# kernel has no CMA heap and no vkms, so those tests skip and say so).
#
# Needs: qemu-system-x86, busybox-static, cpio (apt-get install -y qemu-system-x86 busybox-static cpio).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
start=$(date +%s)
# 300 s: the 100,000 alloc/free cycles of cycles_test take about 65 s under TCG on a loaded host.
timeout_s=${HEAPSOLVE_VM_TIMEOUT:-300}
cache=${HEAPSOLVE_VM_CACHE:-$repo/.vm-cache}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "run.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

if ! command -v qemu-system-x86_64 >/dev/null || ! command -v cpio >/dev/null || [ ! -x /bin/busybox ]; then
	[ -x scripts/deps.sh ] && scripts/deps.sh
fi
for tool in qemu-system-x86_64 cpio gzip; do
	command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y qemu-system-x86 busybox-static cpio)"
done
[ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' ||
	die "/bin/busybox is not a static busybox (apt-get install -y busybox-static)"

# The tests, linked statically (see tests/vm/BUILD). --force_pic makes the static link use the
# same PIC objects `bazel test //...` compiled, instead of compiling every source again (2+ min).
bazel build --force_pic --ui_event_filters=-info,-stdout,-stderr --noshow_progress //tests/vm:vm_tests ||
	die "building //tests/vm:vm_tests failed"
tests_bin=$(bazel info --force_pic bazel-bin 2>/dev/null)/tests/vm/vm_tests
[ -f "$tests_bin" ] || die "no $tests_bin after the build"

# The kernel.
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
modules=""
if [ -n "${HEAPSOLVE_TEST_KERNEL:-}" ]; then
	kernel=$HEAPSOLVE_TEST_KERNEL
	[ -f "$kernel" ] || die "HEAPSOLVE_TEST_KERNEL=$kernel does not exist"
	echo "run.sh: kernel $kernel (\$HEAPSOLVE_TEST_KERNEL)"
else
	echo "run.sh: HEAPSOLVE_TEST_KERNEL unset: using Debian's linux-image-6.12-amd64 (no CMA heap, no vkms: those tests will skip)"
	mkdir -p "$cache"
	pkg=$(apt-cache depends linux-image-6.12-amd64 2>/dev/null | awk '/Depends: linux-image-6.12/ { print $2; exit }')
	[ -n "$pkg" ] || die "cannot resolve linux-image-6.12-amd64 (apt-get update?)"
	if [ ! -d "$cache/$pkg" ]; then
		(cd "$cache" && apt-get download "$pkg") || die "apt-get download $pkg failed"
		dpkg-deb -x "$cache/${pkg}"_*.deb "$cache/$pkg.tmp" && mv "$cache/$pkg.tmp" "$cache/$pkg"
	fi
	kernel=$(ls "$cache/$pkg"/boot/vmlinuz-* | head -1)
	moddir=$(ls -d "$cache/$pkg"/lib/modules/* | head -1)
	# udmabuf and vgem with their dependencies, in load order. The package has no modules.dep
	# (depmod writes it at install time), so read each module's own depends= from .modinfo.
	unpack() {
		case "$1" in
		*.xz) xz -dc "$1" ;;
		*.zst) zstd -qdc "$1" ;;
		*) cat "$1" ;;
		esac
	}
	want=""
	resolve() {
		local rel file deps d
		rel=$(grep -E "(^|/)$1\.ko\$" "$moddir/modules.order" | head -1 || true)
		if [ -z "$rel" ]; then
			grep -qE "(^|/)$1\.ko\$" "$moddir/modules.builtin" 2>/dev/null ||
				echo "run.sh: $1 is not a module of this kernel (built in, or absent: then its tests skip)"
			return 0
		fi
		file=$(ls "$moddir/$rel"* | head -1)
		case " $want " in *" $file "*) return 0 ;; esac
		deps=$(unpack "$file" | tr '\0' '\n' | grep -a '^depends=' | head -1 | cut -d= -f2 | tr ',' ' ' || true)
		for d in $deps; do
			resolve "$d"
		done
		want="$want $file"
	}
	resolve udmabuf
	resolve vgem
	for m in $want; do
		name=$(basename "$m" | sed 's/\.ko.*//')
		unpack "$m" >"$root/lib/modules/$name.ko"
		modules="$modules $name"
	done
	echo "run.sh: kernel $kernel, modules:$modules"
fi

# The initramfs: busybox, the tests, an init that runs them and powers off.
cp /bin/busybox "$root/bin/busybox"
cp "$tests_bin" "$root/vm_tests"
cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
for m in $modules; do insmod /lib/modules/\$m.ko || echo "@@HEAPSOLVE INFO insmod \$m failed"; done
echo "@@HEAPSOLVE INFO kernel \$(uname -r): \$(cat /proc/cmdline)"
echo "@@HEAPSOLVE INFO heaps: \$(ls /dev/dma_heap 2>/dev/null | tr '\n' ' ') dri: \$(ls /dev/dri 2>/dev/null | tr '\n' ' ') udmabuf: \$(ls /dev/udmabuf 2>/dev/null)"
/vm_tests --gtest_color=no
echo "@@HEAPSOLVE EXIT \$?"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.cpio.gz"

# Boot. cma=64M@0-256M places the default CMA area below 256 MiB, which the placement test checks.
echo "run.sh: booting ($(($(date +%s) - start)) s so far)"
boot_start=$(date +%s)
set +e
timeout "$timeout_s" qemu-system-x86_64 -nographic -no-reboot -m 512M -smp 1 -nic none \
	-kernel "$kernel" -initrd "$work/initrd.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet loglevel=1 cma=64M@0-256M" </dev/null >"$work/console.log" 2>&1
qemu_rc=$?
set -e
boot_s=$(($(date +%s) - boot_start))
log=${HEAPSOLVE_VM_LOG:-$work/console.log}
[ "$log" = "$work/console.log" ] || cp "$work/console.log" "$log"

# The verdict, from the markers only (the console also carries firmware and kernel noise).
tr -d '\r' <"$work/console.log" | grep -o '@@HEAPSOLVE.*' >"$work/markers" || true
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
