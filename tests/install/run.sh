#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs heapsolve into a temporary prefix, then uses it the way an outside project would:
# a C program built with plain `cc $(pkg-config --cflags --libs heapsolve)`, gst-inspect-1.0 and
# gst-launch-1.0 finding the plugin through GST_PLUGIN_PATH, and the CLI when it is installed.
# Exits non-zero on the first failure. Usage (from anywhere): tests/install/run.sh
set -eu
cd "$(dirname "$0")/../.."
repo="$(pwd)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

step() { echo "== $*"; }
die() { echo "FAIL: $*" >&2; exit 1; }

step "install into $prefix"
scripts/install.sh "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; die "scripts/install.sh"; }
for f in lib/libheapsolve.so.0 lib/libheapsolve.so include/heapsolve/heapsolve.h \
	include/heapsolve/version.h lib/pkgconfig/heapsolve.pc lib/gstreamer-1.0/libgstheapsolve.so; do
	[ -e "$prefix/$f" ] || die "missing $f"
done

step "soname and exported symbols"
readelf -d "$prefix/lib/libheapsolve.so.0" | grep -q 'Library soname: \[libheapsolve.so.0\]' || die "soname"
nm -D --defined-only "$prefix/lib/libheapsolve.so.0" | grep -q ' T heapsolve_solve_buffer@@HEAPSOLVE_0' ||
	die "heapsolve_solve_buffer is not exported as HEAPSOLVE_0"

step "a C program built with pkg-config"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
version="$(pkg-config --modversion heapsolve)"
# shellcheck disable=SC2046 # pkg-config output is a list of flags
cc -std=c11 -Wall -Wextra -Werror tests/install/smoke.c -o "$tmp/smoke" $(pkg-config --cflags --libs heapsolve)
readelf -d "$tmp/smoke" | grep -q 'NEEDED.*\[libheapsolve.so.0\]' || die "smoke does not link libheapsolve.so.0"
LD_LIBRARY_PATH="$prefix/lib" "$tmp/smoke" tests/capi/data/system.yaml "$version" >"$tmp/smoke.out" ||
	{ cat "$tmp/smoke.out"; die "smoke program"; }
cat "$tmp/smoke.out"
grep -q '^decoded: heap cma size 3342336 strides 2048,2048 offsets 0,2228224$' "$tmp/smoke.out" || die "decoded plan"
grep -q '^display (address): needs \[0x40000000, 0x50000000), at tests/capi/data/system.yaml:20$' "$tmp/smoke.out" ||
	die "conflict explanation does not name display"

step "gst-inspect-1.0 finds heapsolvealloc"
export GST_PLUGIN_PATH="$prefix/lib/gstreamer-1.0"
export GST_REGISTRY="$tmp/registry.bin"
gst-inspect-1.0 heapsolvealloc >"$tmp/inspect.out" 2>&1 || { cat "$tmp/inspect.out"; die "gst-inspect-1.0"; }
grep -q "Filename *$prefix/lib/gstreamer-1.0/libgstheapsolve.so" "$tmp/inspect.out" || die "plugin not from prefix"
grep -q 'Long-name *Heapsolve buffer allocator' "$tmp/inspect.out" || die "long name"

step "gst-launch-1.0 through the installed plugin"
board="$repo/tests/gst/data/board.yaml"
# NV12 for vpu and display: stride 512 instead of 320, so downstream must take GstVideoMeta
# (videoconvert converting to I420 does).
GST_DEBUG=heapsolve:5 gst-launch-1.0 -q videotestsrc num-buffers=60 ! video/x-raw,format=NV12,width=320,height=240 ! \
	heapsolvealloc system-files="<$board>" producer=vpu consumers="<display>" memfd=true ! \
	videoconvert ! video/x-raw,format=I420 ! fakesink >"$tmp/launch.out" 2>&1 ||
	{ cat "$tmp/launch.out"; die "pipeline"; }
grep -q 'heap cma (/dev/dma_heap/cma), size 184320, non-default layout' "$tmp/launch.out" ||
	{ cat "$tmp/launch.out"; die "solved plan not logged"; }
# 60 frames, at most buffer-count (4) allocations: the pool recycles.
allocations="$(grep -c 'allocated buffer' "$tmp/launch.out" || true)"
[ "$allocations" -ge 1 ] && [ "$allocations" -le 4 ] ||
	die "$allocations buffers allocated for 60 frames (the pool should recycle at most 4)"
# An unsatisfiable system stops the pipeline with an error naming the culprits.
if gst-launch-1.0 videotestsrc num-buffers=1 ! video/x-raw,format=NV12,width=320,height=240 ! \
	heapsolvealloc system-files="<$board>" producer=display consumers="<dma32>" ! fakesink \
	>"$tmp/conflict.out" 2>&1; then
	die "unsatisfiable pipeline ran"
fi
grep -q 'ERROR: from element .*heapsolvealloc0: buffer heapsolvealloc0 is unsatisfiable: .*display.*dma32' \
	"$tmp/conflict.out" || { cat "$tmp/conflict.out"; die "conflict error"; }

if [ -x "$prefix/bin/heapsolve" ]; then
	step "the installed CLI"
	"$prefix/bin/heapsolve" --version >/dev/null || die "heapsolve --version"
	status=0
	"$prefix/bin/heapsolve" check tests/capi/data/system.yaml >"$tmp/check.out" 2>&1 || status=$?
	[ "$status" -eq 1 ] || { cat "$tmp/check.out"; die "heapsolve check exited $status, expected 1"; }
fi

echo "install test passed"
