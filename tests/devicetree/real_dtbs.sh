#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `heapsolve probe --dtb` on the real DTBs of Debian's kernel packages: linux-image-6.12.*-arm64
# and linux-image-6.1.0-*-armmp, fetched with `apt-get download` (the only download: Debian's
# archive) and cached, extracted, under $HEAPSOLVE_CACHE (default ~/.cache/heapsolve) by package
# and version. Twelve boards get values read by hand from `dtc -I dtb -O dts` (the DTS line is
# beside each expectation) and a check with their profile's pipeline; then every DTB of both
# packages (about 1,900) must import and load (`check` exit 0 or 1, never 2). REAL_DTBS_ALL=0
# skips that pass. Prints "N passed, M failed" last.
set -u
top="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$top"
cache="${HEAPSOLVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/heapsolve}/dtbs"
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# --- The packages (idempotent: architectures added once, lists updated only when needed) ---
updated=0
for arch in arm64 armhf; do
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		$sudo dpkg --add-architecture "$arch"
		updated=1
	fi
done
newest() { apt-cache search --names-only "$1" 2>/dev/null | awk '{print $1}' | sort -V | tail -n 1; }
arm64pkg="$(newest '^linux-image-6\.12\.[0-9]+\+deb12-arm64$')"
armhfpkg="$(newest '^linux-image-6\.1\.0-[0-9]+-armmp$')"
if [ "$updated" -eq 1 ] || [ -z "$arm64pkg" ] || [ -z "$armhfpkg" ]; then
	$sudo apt-get update -qq >&2
	arm64pkg="$(newest '^linux-image-6\.12\.[0-9]+\+deb12-arm64$')"
	armhfpkg="$(newest '^linux-image-6\.1\.0-[0-9]+-armmp$')"
fi
if [ -z "$arm64pkg" ] || [ -z "$armhfpkg" ]; then
	fail "Debian's arm64 6.12 / armhf 6.1 armmp kernel packages are not in the apt lists"
	finish
fi

# The DTBs of PACKAGE:ARCH, extracted once per version; prints their directory.
fetch() {
	local pkg="$1" arch="$2" version dir
	version="$(apt-cache show "$pkg:$arch" | awk '/^Version:/ {print $2; exit}')"
	dir="$cache/${pkg}_${version}_${arch}"
	if [ ! -f "$dir/.complete" ]; then
		rm -rf "$dir"
		mkdir -p "$dir"
		(cd "$dir" && apt-get download -q "$pkg:$arch" >&2) || return 1
		dpkg-deb --fsys-tarfile "$dir"/*.deb | tar -x -C "$dir" --wildcards '*.dtb' || return 1
		rm -f "$dir"/*.deb
		touch "$dir/.complete"
	fi
	find "$dir" -name '*.dtb' -path '*/usr/lib/linux-image-*' -print -quit | sed 's|/usr/lib/linux-image-\([^/]*\)/.*|/usr/lib/linux-image-\1|'
}
arm64dir="$(fetch "$arm64pkg" arm64)" || { fail "apt-get download $arm64pkg"; finish; }
armhfdir="$(fetch "$armhfpkg" armhf)" || { fail "apt-get download $armhfpkg"; finish; }
echo "arm64: $arm64pkg ($arm64dir)"
echo "armhf: $armhfpkg ($armhfdir)"

bazel build --noshow_progress //cli:heapsolve >&2 || { fail "bazel build //cli:heapsolve"; finish; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# A copy: another build in this tree (another config) may repoint bazel-bin while this runs.
cp "$top/bazel-bin/cli/heapsolve" "$tmp/heapsolve"
hs="$tmp/heapsolve"

# `capacity` is loaded only once the loader knows the key; until then, loading runs without it.
printf 'version: 1\nheaps:\n  - name: p\n    backend: dma-heap\n    capacity: 4KiB\n' > "$tmp/cap.yaml"
loadflag=""
"$hs" check "$tmp/cap.yaml" > /dev/null 2>&1 || [ $? -ne 2 ] || loadflag="--no-capacity"
[ -n "$loadflag" ] && echo "note: this tree's loader rejects \`capacity\`: outputs are loaded with probe --no-capacity"

# --- Twelve boards, values read by hand ---
board=""
out=""
import() { # import DTB: probe with the profiles; exit 0 expected
	board="$(basename "$1" .dtb)"
	out="$tmp/$board.yaml"
	if "$hs" probe --profiles profiles --dtb "$1" > "$out" 2> "$tmp/err"; then ok; else
		fail "$board: probe --dtb exited $?: $(head -c 300 "$tmp/err")"
	fi
}
# expect TEXT: a line of the import contains TEXT exactly (the DTS line it comes from is beside it).
expect() {
	if grep -qF -- "$1" "$out"; then ok; else fail "$board: no line with: $1"; fi
}
# loads [PIPELINE]: the import loads with `check` (exit 0 or 1), with the profile's pipeline fitted
# to the DT's names when one is given and every user of it is in the import.
loads() {
	"$hs" probe $loadflag --profiles profiles --dtb "$dtb" > "$tmp/load.yaml" 2> /dev/null
	local files=("$tmp/load.yaml") st
	if [ $# -gt 0 ]; then
		if python3 tests/devicetree/pipeline_for_import.py "$tmp/load.yaml" "profiles/$1" "$tmp" > "$tmp/why"; then
			files+=("$tmp/extra.yaml" "$tmp/pipeline.yaml")
		else
			echo "note: $board: $1 not checked: $(cat "$tmp/why")"
		fi
	fi
	"$hs" check "${files[@]}" > "$tmp/check" 2>&1
	st=$?
	if [ "$st" -le 1 ]; then
		ok
		[ ${#files[@]} -gt 1 ] && echo "$board + $1: check exit $st: $(head -n 1 "$tmp/check")"
	else
		fail "$board: check ${files[*]} exited $st: $(head -c 400 "$tmp/check")"
	fi
}

dtb="$arm64dir/broadcom/bcm2711-rpi-4-b.dtb"
import "$dtb"
expect '  - name: "linux,cma"  # /reserved-memory/linux,cma'                      # linux,cma { compatible = "shared-dma-pool"; ... linux,cma-default;
expect '    capacity: 0x4000000  # /reserved-memory/linux,cma/size'                # size = <0x4000000>;
expect '      - { base: 0x0, size: 0x40000000 }  # /reserved-memory/linux,cma/alloc-ranges' # alloc-ranges = <0x00 0x00 0x40000000>;
expect '  - name: "hvs"  # /__symbols__/hvs'                                       # __symbols__ { hvs = "/soc/hvs@7e400000"; }; compatible = "brcm,bcm2711-hvs";
expect '      - { base: 0x0, size: 0x40000000 }  # /soc/dma-ranges'                # soc { dma-ranges = <0xc0000000 0x00 0x00 0x40000000>; (DMA 0xc0000000 -> CPU 0)
expect '# memory: the DT gives no RAM'                                             # memory@0 { device_type = "memory"; reg = <0x00 0x00 0x00>; };
loads rpi4-bcm2711/pipeline-desktop.yaml

dtb="$arm64dir/broadcom/bcm2712-rpi-5-b.dtb"
import "$dtb"
expect '  - { base: 0x0, size: 0x28000000 }  # /memory@0/reg'                      # memory@0 { reg = <0x00 0x00 0x00 0x28000000>; };
expect '    capacity: 0x4000000  # /reserved-memory/linux,cma/size'                # linux,cma { size = <0x00 0x4000000>; reusable; linux,cma-default;
expect '      - { base: 0x0, size: 0x40000000 }  # /reserved-memory/linux,cma/alloc-ranges' # alloc-ranges = <0x00 0x00 0x00 0x40000000>;
loads

dtb="$armhfdir/sun7i-a20-cubieboard2.dtb"
import "$dtb"
expect '  - name: "default-pool"  # /reserved-memory/default-pool'                # default-pool { compatible = "shared-dma-pool";
expect '    capacity: 0x6000000  # /reserved-memory/default-pool/size'             # size = <0x6000000>;
expect '      - { base: 0x40000000, size: 0x10000000 }  # /reserved-memory/default-pool/alloc-ranges' # alloc-ranges = <0x40000000 0x10000000>;
expect '  - name: "video-codec@1c0e000"  # /soc/video-codec@1c0e000'              # video-codec@1c0e000 { compatible = "allwinner,sun7i-a20-video-engine";
loads allwinner-a20/pipeline-decode-display.yaml

dtb="$arm64dir/allwinner/sun50i-a64-pine64-plus.dtb"
import "$dtb"
# deinterlace@1e00000 { interconnects = <0x3f 0x09>; interconnect-names = "dma-mem"; and
# dram-controller@1c62000 { dma-ranges = <0x00 0x40000000 0xc0000000>; }: DMA 0 is CPU 0x40000000.
expect '      - { base: 0x40000000, size: 0xc0000000 }  # /soc/dram-controller@1c62000/dma-ranges'
loads

dtb="$arm64dir/allwinner/sun50i-h6-pine-h64.dtb"
import "$dtb"
expect '    iommu: true  # /soc/bus@1000000/mixer@100000/iommus'                   # mixer@100000 { compatible = "allwinner,sun50i-h6-de3-mixer-0"; iommus = <0x0d 0x00>;
expect '    kind: codec  # profiles/allwinner-h6/devices.yaml'                     # video-codec@1c0e000 { compatible = "allwinner,sun50i-h6-video-engine";
loads allwinner-h6/pipeline-video.yaml

dtb="$arm64dir/rockchip/rk3399-rock-pi-4b.dtb"
import "$dtb"
expect '    iommu: true  # /video-codec@ff660000/iommus'                           # video-codec@ff660000 { compatible = "rockchip,rk3399-vdec"; iommus = <0x95>;
expect '    iommu: false  # /rga@ff680000: no iommus'                               # rga@ff680000 { compatible = "rockchip,rk3399-rga"; (no iommus)
loads rk3399/pipeline-video.yaml

dtb="$arm64dir/rockchip/rk3588-rock-5b.dtb"
import "$dtb"
expect '    iommu: true  # /video-codec@fdb50000/iommus'                           # video-codec@fdb50000 { compatible = "rockchip,rk3588-vpu121", ...; iommus = <0x63>;
expect '  - name: "rga@fdb80000"  # /rga@fdb80000'                                 # rga@fdb80000 { compatible = "rockchip,rk3588-rga\0rockchip,rk3288-rga";
loads rk3588/pipeline-video-rga3.yaml

dtb="$arm64dir/freescale/imx8mq-evk.dtb"
import "$dtb"
expect '  - { base: 0x40000000, size: 0xc0000000 }  # /memory@40000000/reg'       # memory@40000000 { reg = <0x00 0x40000000 0x00 0xc0000000>; };
expect '      - { base: 0x40000000, size: 0xc0000000 }  # /soc@0/dma-ranges'       # soc@0 { dma-ranges = <0x40000000 0x00 0x40000000 0xc0000000>;
loads imx8mq/pipeline-desktop.yaml

dtb="$arm64dir/freescale/imx8mp-evk.dtb"
import "$dtb"
# memory@40000000 { reg = <0x00 0x40000000 0x00 0xc0000000 0x01 0x00 0x00 0xc0000000>; }: adjacent, joined.
expect '  - { base: 0x40000000, size: 0x180000000 }  # /memory@40000000/reg entry 1, /memory@40000000/reg entry 2'
expect '# /reserved-memory/vdev0buffer@94300000 [0x94300000, +1MiB): not a heap (no-map' # vdev0buffer@94300000 { compatible = "shared-dma-pool"; reg = <0x00 0x94300000 0x00 0x100000>; no-map;
expect '  - name: "vpu_g1"  # /__symbols__/vpu_g1'                                 # __symbols__ { vpu_g1 = "/soc@0/video-codec@38300000"; };
loads imx8mp/pipeline-camera-display.yaml

dtb="$arm64dir/mediatek/mt8183-evb.dtb"
import "$dtb"
expect '  - { base: 0x40000000, size: 0x80000000 }  # /memory@40000000/reg'       # memory@40000000 { reg = <0x00 0x40000000 0x00 0x80000000>; };
expect '# /reserved-memory/memory@50000000 [0x50000000, +41MiB): not a heap (no-map' # memory@50000000 { compatible = "shared-dma-pool"; reg = <0x00 0x50000000 0x00 0x2900000>; no-map;
expect '    iommu: true  # /soc/ovl@14008000/iommus'                               # ovl@14008000 { compatible = "mediatek,mt8183-disp-ovl"; iommus = <0x60 0x00>;
loads mediatek-mt8183/pipeline-record.yaml

dtb="$arm64dir/qcom/qrb5165-rb5.dtb"
import "$dtb"
expect '    iommu: true  # /soc@0/gpu@3d00000/iommus'                              # gpu@3d00000 { compatible = "qcom,adreno-650.2\0qcom,adreno"; iommus = <0x87 0x00 0x401>;
# soc@0 { dma-ranges = <0x00 0x00 0x00 0x00 0x10 0x00>; }: 64 GiB, cut by the 2^32 default mask.
expect '      - { base: 0x0, size: 0x100000000 }  # /soc@0/dma-ranges'
expect '# /reserved-memory/memory@80b00000 [0x80b00000, +83MiB): not a heap (not a shared-dma-pool)' # memory@80b00000 { reg = <0x00 0x80b00000 0x00 0x5300000>; no-map;
loads qcom-sm8250/pipeline-video.yaml

dtb="$arm64dir/xilinx/zynqmp-zcu104-revC.dtb"
import "$dtb"
expect '  - { base: 0x0, size: 0x80000000 }  # /memory@0/reg'                      # memory@0 { device_type = "memory"; reg = <0x00 0x00 0x00 0x80000000>; };
expect '  - name: "r5f@0"  # /remoteproc@ffe00000/r5f@0'                           # r5f@0 { compatible = "xlnx,zynqmp-r5f"; memory-region = <0x12>;
loads

# --- Each profile board held against its DTB (hold_profiles.py: agree, or explained in the profile) ---
hold() { # hold BOARD.yaml DTB
	local dev
	dev="profiles/$(dirname "$1")/devices.yaml"
	# The comparison reads `capacity`; it is written even where this tree's loader lacks it.
	"$hs" probe --profiles profiles --dtb "$2" > "$tmp/hold.yaml" 2> /dev/null
	if python3 tests/devicetree/hold_profiles.py "$tmp/hold.yaml" "profiles/$1" "$dev" > "$tmp/hold.out"; then
		ok
		echo "$1: $(grep -c '^agree' "$tmp/hold.out") agree, $(grep -c '^narrower' "$tmp/hold.out") narrower, $(grep -c '^explained' "$tmp/hold.out") explained, $(grep -c '^n/a' "$tmp/hold.out") n/a"
	else
		fail "$1 against $(basename "$2"): $(grep '^DIFFERS' "$tmp/hold.out" | tr '\n' ';')"
	fi
}
hold rpi4-bcm2711/board-rpi4b-4gb.yaml "$arm64dir/broadcom/bcm2711-rpi-4-b.dtb"
hold rpi4-bcm2711/board-rpi4b-8gb.yaml "$arm64dir/broadcom/bcm2711-rpi-4-b.dtb"
hold rpi5-bcm2712/board-rpi5-8gb.yaml "$arm64dir/broadcom/bcm2712-rpi-5-b.dtb"
hold rpi5-bcm2712/board-rpi5-8gb-16k.yaml "$arm64dir/broadcom/bcm2712-rpi-5-b.dtb"
hold allwinner-a20/board-cubieboard2.yaml "$armhfdir/sun7i-a20-cubieboard2.dtb"
hold allwinner-a33/board-sina33.yaml "$armhfdir/sun8i-a33-sinlinx-sina33.dtb"
hold allwinner-h6/board-pineh64b.yaml "$arm64dir/allwinner/sun50i-h6-pine-h64-model-b.dtb"
hold imx8mp/board-evk.yaml "$arm64dir/freescale/imx8mp-evk.dtb"
hold imx8mq/board-reform2.yaml "$arm64dir/freescale/imx8mq-mnt-reform2.dtb"
hold imx8mq/board-evk-secure.yaml "$arm64dir/freescale/imx8mq-evk.dtb"
hold mediatek-mt8183/board-kukui-krane.yaml "$arm64dir/mediatek/mt8183-kukui-krane-sku176.dtb"
hold qcom-sm8250/board-rb5.yaml "$arm64dir/qcom/qrb5165-rb5.dtb"
hold rk3399/board-rockpi4b-4gb.yaml "$arm64dir/rockchip/rk3399-rock-pi-4b.dtb"
hold rk3588/board-rock5b-16gb-mainline.yaml "$arm64dir/rockchip/rk3588-rock-5b.dtb"
hold rk3588/board-rock5b-16gb-bsp.yaml "$arm64dir/rockchip/rk3588-rock-5b.dtb"

# --- Every DTB of both packages imports and loads ---
if [ "${REAL_DTBS_ALL:-1}" != 0 ]; then
	start=$(date +%s.%N)
	find "$arm64dir" "$armhfdir" -name '*.dtb' | sort > "$tmp/all"
	total=$(wc -l < "$tmp/all")
	# One probe and one check per DTB, two at a time; each prints a line only when it fails.
	xargs -P 2 -I{} sh -c '
		hs="$1"; f="$2"; o="$(mktemp)"
		if ! "$hs" probe '"$loadflag"' --profiles profiles --dtb "$f" > "$o" 2> "$o.err"; then
			echo "FAIL import $f: $(head -c 300 "$o.err")"
		else
			"$hs" check "$o" > /dev/null 2> "$o.err"
			[ $? -le 1 ] || echo "FAIL load $f: $(head -c 300 "$o.err")"
		fi
		rm -f "$o" "$o.err"' _ "$hs" {} < "$tmp/all" > "$tmp/allfail"
	end=$(date +%s.%N)
	bad=$(wc -l < "$tmp/allfail")
	cat "$tmp/allfail"
	echo "all DTBs: $total imported and loaded, $bad failed, in $(echo "$end - $start" | bc) s (probe + check, 2 at a time)"
	if [ "$bad" -eq 0 ] && [ "$total" -gt 1000 ]; then ok; else fail "all-DTB pass: $bad of $total failed"; fi
fi
finish
