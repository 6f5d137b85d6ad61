#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `heapsolve probe --dtb`: a DTB compiled here by dtc becomes YAML that `check` loads; a bad blob
# exits 2 with "FILE: error: WHERE: what" and nothing on stdout; a missing file exits 2.
set -u
hs="$1"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

cat > "$tmp/board.dts" <<'DTS'
/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	model = "probe test";
	memory@40000000 { device_type = "memory"; reg = <0x40000000 0x40000000>; };
	reserved-memory {
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		cma: linux,cma {
			compatible = "shared-dma-pool";
			reusable;
			size = <0x4000000>;
			alloc-ranges = <0x40000000 0x10000000>;
			linux,cma-default;
		};
	};
	soc {
		compatible = "simple-bus";
		#address-cells = <1>;
		#size-cells = <1>;
		ranges;
		iommu: iommu@1000 { #iommu-cells = <0>; };
		vpu: video-codec@2000 { compatible = "test,vpu"; iommus = <&iommu>; };
	};
};
DTS
if ! dtc -q -@ -I dts -O dtb -o "$tmp/board.dtb" "$tmp/board.dts"; then
	echo "dtc failed"
	echo "0 passed, 1 failed"
	exit 1
fi

"$hs" probe --dtb "$tmp/board.dtb" > "$tmp/out.yaml" 2> "$tmp/err"
st=$?
[ "$st" -eq 0 ] && ok || fail "probe --dtb exited $st: $(cat "$tmp/err")"
grep -qx '  - { base: 0x40000000, size: 0x40000000 }  # /memory@40000000/reg' "$tmp/out.yaml" && ok || fail "memory line"
grep -qx '  - name: "linux,cma"  # /reserved-memory/linux,cma' "$tmp/out.yaml" && ok || fail "heap name"
grep -qx '    capacity: 0x4000000  # /reserved-memory/linux,cma/size' "$tmp/out.yaml" && ok || fail "capacity"
grep -qx '  - name: "vpu"  # /__symbols__/vpu' "$tmp/out.yaml" && ok || fail "device named by its label"
grep -qx '    kind: codec  # node name video-codec@2000' "$tmp/out.yaml" && ok || fail "kind"
grep -qx '    iommu: true  # /soc/video-codec@2000/iommus' "$tmp/out.yaml" && ok || fail "iommu"

# The output loads (capacity left out: the loader of this tree may not know the key yet).
"$hs" probe --no-capacity --dtb "$tmp/board.dtb" > "$tmp/nocap.yaml"
"$hs" check "$tmp/nocap.yaml" > /dev/null 2> "$tmp/err"
st=$?
[ "$st" -eq 0 ] && ok || fail "check of the import exited $st: $(cat "$tmp/err")"

# The live probe with --fdt FILE in place of /sys/firmware/fdt: the machine's part, then the DT's
# devices (tests/cli/kernel_test.cpp checks the merge itself); --fdt and --dtb exclude each other.
"$hs" probe --fdt "$tmp/board.dtb" > "$tmp/live.yaml" 2> "$tmp/err"
st=$?
[ "$st" -eq 0 ] && ok || fail "probe --fdt exited $st: $(cat "$tmp/err")"
grep -q '^# This machine as `heapsolve probe` saw it' "$tmp/live.yaml" && grep -qx '  - name: "vpu"  # /__symbols__/vpu' "$tmp/live.yaml" &&
	grep -qx '# DT CMA pool linux,cma (default): 0x4000000 bytes (/reserved-memory/linux,cma/size)' "$tmp/live.yaml" && ok ||
	fail "probe --fdt output: $(cat "$tmp/live.yaml")"
"$hs" probe --fdt "$tmp/board.dtb" --dtb "$tmp/board.dtb" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q -- "--dtb excludes --fdt" "$tmp/err" && ok || fail "--fdt with --dtb: $(cat "$tmp/err")"

# Bad input: exit 2, the error on stderr, nothing on stdout.
printf 'not a device tree blob, just text that is long enough' > "$tmp/bad.dtb"
"$hs" probe --dtb "$tmp/bad.dtb" > "$tmp/out" 2> "$tmp/err"
st=$?
[ "$st" -eq 2 ] && ok || fail "a bad blob exited $st"
[ ! -s "$tmp/out" ] && ok || fail "stdout not empty on a bad blob"
grep -q "^$tmp/bad.dtb: error: byte offset 0: wrong magic 0x6e6f7420 (a DTB starts with 0xd00dfeed)$" "$tmp/err" && ok || fail "message: $(cat "$tmp/err")"
head -c 60 "$tmp/board.dtb" > "$tmp/short.dtb"
"$hs" probe --dtb "$tmp/short.dtb" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "^$tmp/short.dtb: error: byte offset 60: truncated" "$tmp/err" && ok || fail "truncated: $(cat "$tmp/err")"
"$hs" probe --dtb "$tmp/missing.dtb" > "$tmp/out" 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "^$tmp/missing.dtb:1:1: error: cannot read: No such file or directory$" "$tmp/err" && ok || fail "missing file"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
