#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds the kernel the VM stage boots, once: Debian's linux-source-6.12, `make ARCH=x86_64
# tinyconfig`, the options of tests/vm/kernel/config.fragment merged in, `make olddefconfig`,
# `make bzImage`. About 13 minutes on 2 idle cores (tests/vm/README.md has the measured figures).
#
#   tests/vm/kernel/build.sh            builds when needed; the last line of stdout is the bzImage
#   tests/vm/kernel/build.sh --path     only prints where the bzImage is (or would be) cached
#
# The cache: ${HEAPSOLVE_KERNEL_CACHE:-${XDG_CACHE_HOME:-~/.cache}/heapsolve/kernel}/KEY/, holding
# bzImage, config (its .config) and build.log. KEY is the source package's version and a hash of
# the fragment's option lines (its comments do not count), so a new linux-source-6.12 or a changed
# option builds a new kernel and the old one stays until removed. Progress goes to stderr.
# Installs what it needs with apt-get when missing (Debian's archive only).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/config.fragment
say() { echo "kernel: $*" >&2; }
die() { say "$*"; exit 1; }
[ -f "$fragment" ] || die "no $fragment"

packages=(linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev xz-utils)
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

source_version() { dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true; }
cache_dir() {
	local version=$1 hash
	hash=$(grep -E '^(CONFIG_|# CONFIG_)' "$fragment" | sha256sum | cut -c1-16)
	echo "${HEAPSOLVE_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/heapsolve/kernel}/linux-source-$version-$hash"
}

if [ "${1:-}" = --path ]; then
	version=$(source_version)
	[ -n "$version" ] || die "linux-source-6.12 is not installed: no version to key the cache on"
	echo "$(cache_dir "$version")/bzImage"
	exit 0
fi

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing ${missing[*]} (apt-get)"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 ||
		{ $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; } ||
		die "apt-get install ${missing[*]} failed"
fi

version=$(source_version)
dir=$(cache_dir "$version")
if [ -f "$dir/bzImage" ]; then
	say "cached: $dir/bzImage"
	echo "$dir/bzImage"
	exit 0
fi

mkdir -p "$(dirname "$dir")"
# One build at a time per cache (two test runs started together wait for the first).
exec 9>"$dir.lock"
if ! flock -n 9; then
	say "another build of this kernel is running; waiting for it"
	flock 9
fi
if [ -f "$dir/bzImage" ]; then
	say "built meanwhile: $dir/bzImage"
	echo "$dir/bzImage"
	exit 0
fi

tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || die "linux-source-6.12 $version is installed but $tarball is missing"
work="$dir.build"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
log=$work/build.log
jobs=$(nproc)
start=$(date +%s)
step() { say "$1 ($(($(date +%s) - start)) s so far)"; }
run() { "$@" >>"$log" 2>&1 || { say "failed: $*; the log's tail:"; tail -n 40 "$log" | sed 's/^/  | /' >&2; exit 1; }; }

say "building the test kernel: linux-source-6.12 $version + tests/vm/kernel/config.fragment -> $dir"
say "(once per fragment and source version: about 13 min on 2 idle cores, more on a busy machine)"
step "unpacking $tarball"
run tar -C "$work" -xf "$tarball"
src=$(ls -d "$work"/linux-source-6.12*/)
step "configuring: make ARCH=x86_64 tinyconfig, merge the fragment, olddefconfig"
run make -C "$src" ARCH=x86_64 tinyconfig
run "$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "$fragment"
run make -C "$src" ARCH=x86_64 olddefconfig
# Kconfig drops what it cannot satisfy without a word: prove every requested option survived.
"$here/check.sh" "$fragment" "$src/.config" >&2 || die "the merged .config lacks options of the fragment (above)"
step "compiling: make -j$jobs bzImage (log: $log)"
run make -C "$src" ARCH=x86_64 -j"$jobs" bzImage
release=$(make -s -C "$src" ARCH=x86_64 kernelrelease)
mkdir -p "$dir.tmp"
cp "$src/arch/x86/boot/bzImage" "$dir.tmp/bzImage"
cp "$src/.config" "$dir.tmp/config"
cp "$log" "$dir.tmp/build.log"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
say "built Linux $release in $(($(date +%s) - start)) s: $dir/bzImage"
echo "$dir/bzImage"
