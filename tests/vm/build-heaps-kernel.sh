#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Rebuilds the kernel tests/vm/run.sh boots ($HEAPSOLVE_TEST_KERNEL): Linux 6.12 from Debian's
# linux-source-6.12 with every heap built in (DMA-BUF system and CMA heaps, udmabuf, vkms, vgem,
# debugfs, pagemap), no modules. About 13 minutes on 2 cores.
#
#   tests/vm/build-heaps-kernel.sh [OUTPUT] [CONFIG]
#
# OUTPUT defaults to ./bzImage-6.12-heaps; CONFIG to /work/shared/kernel/config-6.12-heaps (the
# full .config of the shipped kernel: `make tinyconfig`, then those options switched on).
# Needs the build packages below (installed with apt-get when missing; Debian's archive only).
set -euo pipefail

out=$(realpath -m "${1:-bzImage-6.12-heaps}")
config=$(realpath "${2:-/work/shared/kernel/config-6.12-heaps}")
[ -f "$config" ] || { echo "no kernel config at $config" >&2; exit 2; }

packages=(linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev xz-utils cpio)
missing=()
for p in "${packages[@]}"; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

tarball=$(ls /usr/src/linux-source-6.12*.tar.xz | sort -V | tail -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "unpacking $tarball"
tar -C "$work" -xf "$tarball"
src=$(ls -d "$work"/linux-source-6.12*)

cp "$config" "$src/.config"
# The config is complete; olddefconfig only fills in options this source has and it lacks.
make -C "$src" olddefconfig
for opt in DMABUF_HEAPS DMABUF_HEAPS_SYSTEM DMABUF_HEAPS_CMA UDMABUF DRM_VKMS DRM_VGEM CMA DMA_CMA \
	BLK_DEV_INITRD RD_GZIP DEVTMPFS DEBUG_FS PROC_PAGE_MONITOR MEMFD_CREATE; do
	grep -q "^CONFIG_$opt=y" "$src/.config" || { echo "CONFIG_$opt is not =y after olddefconfig" >&2; exit 1; }
done
make -C "$src" -j"$(nproc)" bzImage
cp "$src/arch/x86/boot/bzImage" "$out"
echo "built $out ($(make -s -C "$src" kernelrelease))"
