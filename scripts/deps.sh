#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages heapsolve builds and tests with; does nothing when all are present.
# Only Debian's archive is used: Bazel itself is Debian's bazel-bootstrap and fetches nothing.
set -eu

packages=(
	# build
	bazel-bootstrap bazel-rules-java g++ pkg-config
	libyaml-cpp-dev libboost-graph-dev librange-v3-dev libcli11-dev libdrm-dev
	libgtest-dev libgmock-dev libbenchmark-dev libyaml-dev libfdt-dev
	libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-tools gstreamer1.0-plugins-base
	# tests: GStreamer in the VM (tests/vm/gst): v4l2src, v4l2fwhtenc/-dec (good), kmssink (bad)
	gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
	# tests: the independent oracle, the kernel under qemu
	python3 python3-yaml qemu-system-x86 busybox-static cpio graphviz
	# tests: real device trees (tests/devicetree/real_dtbs.sh compiles and decompiles DTBs)
	device-tree-compiler
	# tests: the second compiler, its libFuzzer and sanitizer runtimes (tests/fuzz), the linter and
	# the formatter (scripts/tidy, scripts/check-format), localedef's sources (tests/promises)
	clang-19 libclang-rt-19-dev clang-tidy-19 clang-format locales
)

missing=()
for p in "${packages[@]}"; do
	if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "heapsolve: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
