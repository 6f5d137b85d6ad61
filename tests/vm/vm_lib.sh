# SPDX-License-Identifier: Apache-2.0
# Booting one program in a real Linux kernel under qemu-system-x86_64 (TCG, no KVM needed), shared
# by tests/vm/run.sh (the adapter tests) and tests/vm/bench.sh (the allocation benchmark).
# Sourced, not run. The caller sets `repo` and `work` (a scratch directory it removes), then:
#   vm_tools                     checks (and installs through scripts/deps.sh) qemu, cpio, busybox
#   vm_kernel                    picks the kernel: sets $kernel and $modules, fills $root/lib/modules
#   vm_add BINARY NAME           copies BINARY to /NAME in the initramfs, with its shared libraries
#   vm_initramfs COMMANDS        writes /init (mounts, modules, INFO lines, COMMANDS, power-off)
#                                and packs $work/initrd.cpio.gz
#   vm_boot TIMEOUT              boots it; the console goes to $work/console.log, the
#                                @@HEAPSOLVE lines to $work/markers; sets $qemu_rc and $boot_s
# Kernel: $HEAPSOLVE_TEST_KERNEL when set (a bzImage with everything built in, such as
# /work/shared/kernel/bzImage-6.12-heaps), else Debian's linux-image-6.12-amd64 fetched with
# `apt-get download` into $HEAPSOLVE_VM_CACHE (modules udmabuf and vgem loaded from it; that
# kernel has no CMA heap and no vkms).
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
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules}
}

vm_kernel() {
	local cache=${HEAPSOLVE_VM_CACHE:-$repo/.vm-cache}
	modules=""
	if [ -n "${HEAPSOLVE_TEST_KERNEL:-}" ]; then
		kernel=$HEAPSOLVE_TEST_KERNEL
		[ -f "$kernel" ] || die "HEAPSOLVE_TEST_KERNEL=$kernel does not exist"
		echo "$(basename "$0"): kernel $kernel (\$HEAPSOLVE_TEST_KERNEL)"
		return 0
	fi
	echo "$(basename "$0"): HEAPSOLVE_TEST_KERNEL unset: using Debian's linux-image-6.12-amd64 (no CMA heap, no vkms: those tests will skip)"
	mkdir -p "$cache"
	local pkg moddir
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
				echo "$(basename "$0"): $1 is not a module of this kernel (built in, or absent: then its tests skip)"
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
	local m name
	for m in $want; do
		name=$(basename "$m" | sed 's/\.ko.*//')
		unpack "$m" >"$root/lib/modules/$name.ko"
		modules="$modules $name"
	done
	echo "$(basename "$0"): kernel $kernel, modules:$modules"
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
for m in $modules; do insmod /lib/modules/\$m.ko || echo "@@HEAPSOLVE INFO insmod \$m failed"; done
echo "@@HEAPSOLVE INFO kernel \$(uname -r): \$(cat /proc/cmdline)"
echo "@@HEAPSOLVE INFO heaps: \$(ls /dev/dma_heap 2>/dev/null | tr '\n' ' ') dri: \$(ls /dev/dri 2>/dev/null | tr '\n' ' ') udmabuf: \$(ls /dev/udmabuf 2>/dev/null)"
$1
poweroff -f
INIT
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.cpio.gz"
}

# cma=64M@0-256M places the default CMA area below 256 MiB, which the placement test checks.
vm_boot() {
	local start
	start=$(date +%s)
	set +e
	timeout "$1" qemu-system-x86_64 -nographic -no-reboot -m 512M -smp 1 -nic none \
		-kernel "$kernel" -initrd "$work/initrd.cpio.gz" \
		-append "console=ttyS0 panic=-1 quiet loglevel=1 cma=64M@0-256M" </dev/null >"$work/console.log" 2>&1
	qemu_rc=$?
	set -e
	boot_s=$(($(date +%s) - start))
	# Only the markers: the console also carries firmware and kernel noise.
	tr -d '\r' <"$work/console.log" | grep -o '@@HEAPSOLVE.*' >"$work/markers" || true
}
