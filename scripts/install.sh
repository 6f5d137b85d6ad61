#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds heapsolve with Bazel and installs it under PREFIX:
#   PREFIX/lib/libheapsolve.so.VERSION (+ libheapsolve.so.0, libheapsolve.so links)
#   PREFIX/include/heapsolve/heapsolve.h, version.h
#   PREFIX/lib/pkgconfig/heapsolve.pc
#   PREFIX/lib/gstreamer-1.0/libgstheapsolve.so   (GST_PLUGIN_PATH=PREFIX/lib/gstreamer-1.0)
#   PREFIX/bin/heapsolve                          (the CLI, when //cli:heapsolve exists)
# Usage: scripts/install.sh PREFIX
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 PREFIX" >&2
	exit 2
fi
mkdir -p "$1"
prefix="$(cd "$1" && pwd)"
cd "$(dirname "$0")/.."
# The one place the version is written; heapsolve/version.h, and through it heapsolve_version(),
# the plugin and the CLI, are generated from the same file.
version="$(grep -v '^#' VERSION)"

targets="//capi:libheapsolve.so //gst:libgstheapsolve.so //include/heapsolve:version_h"
with_cli=no
if [ -f cli/BUILD ] && grep -q 'name = "heapsolve"' cli/BUILD; then
	targets="$targets //cli:heapsolve"
	with_cli=yes
fi
# shellcheck disable=SC2086 # targets is a list
bazel build $targets
bin="$(bazel info bazel-bin 2>/dev/null)"

install -d "$prefix/lib/pkgconfig" "$prefix/lib/gstreamer-1.0" "$prefix/include/heapsolve"
install -m 0755 "$bin/capi/libheapsolve.so" "$prefix/lib/libheapsolve.so.$version"
ln -sf "libheapsolve.so.$version" "$prefix/lib/libheapsolve.so.0"
ln -sf libheapsolve.so.0 "$prefix/lib/libheapsolve.so"
install -m 0644 include/heapsolve/heapsolve.h "$prefix/include/heapsolve/heapsolve.h"
install -m 0644 "$bin/include/heapsolve/version.h" "$prefix/include/heapsolve/version.h"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" capi/heapsolve.pc.in >"$prefix/lib/pkgconfig/heapsolve.pc"
install -m 0755 "$bin/gst/libgstheapsolve.so" "$prefix/lib/gstreamer-1.0/libgstheapsolve.so"
if [ "$with_cli" = yes ]; then
	install -d "$prefix/bin"
	install -m 0755 "$bin/cli/heapsolve" "$prefix/bin/heapsolve"
fi
echo "installed heapsolve $version into $prefix (CLI: $with_cli)"
