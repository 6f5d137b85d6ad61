#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Promise: the library's users see only its public boundary (docs/design.md, "The public
# boundary"). Bazel visibility already keeps cli/, gst/ and capi/ from depending on an internal
# target; this checks what visibility cannot see, the #include lines:
# - cli/, gst/ and capi/ include the library only as "heapsolve/NAME.h" (include/heapsolve/),
#   besides their own package's headers and system headers;
# - the public headers include each other, system headers and only the internal headers listed in
#   `leaks` below, the value types of the system model and of a probe that are still internal. A
#   new leak fails here; closing one means taking it off the list.
# Usage: boundary_test.sh FILE... (the sources of cli/, gst/, capi/ and include/heapsolve/)
set -eu
leaks='adapters/adapter.h
adapters/dma_heap/dma_heap.h
adapters/udmabuf/udmabuf.h
adapters/v4l2/v4l2.h
constraints/address_window.h
constraints/alignment.h
constraints/cache_mode.h
constraints/constraint_set.h
constraints/format.h'
internal='^(adapters|constraints|log|render|solver)/'

failures=0
checked=0
fail() {
	echo "FAIL: $1"
	failures=$((failures + 1))
}
for f in "$@"; do
	case "$f" in
	cli/* | gst/* | capi/*) own="${f%%/*}" ;;
	include/heapsolve/*) own=public ;;
	*) fail "$f: not a file of cli/, gst/, capi/ or include/heapsolve/"; continue ;;
	esac
	checked=$((checked + 1))
	while IFS= read -r line; do
		number="${line%%:*}"
		text="${line#*:}"
		header="$(sed -E 's/^#[[:space:]]*include[[:space:]]*[<"]([^>"]*)[>"].*/\1/' <<<"$text")"
		quoted=no
		[[ "$text" =~ ^#[[:space:]]*include[[:space:]]*\" ]] && quoted=yes
		if [[ "$header" =~ ^heapsolve/ ]]; then
			continue
		elif [ "$own" = public ]; then
			if [[ "$header" =~ $internal ]] && ! grep -qxF "$header" <<<"$leaks"; then
				fail "$f:$number: public header includes the internal $header"
			elif [ "$quoted" = yes ] && ! [[ "$header" =~ $internal ]]; then
				fail "$f:$number: public header includes \"$header\", which is no header of the library"
			fi
		elif [[ "$header" =~ $internal ]]; then
			fail "$f:$number: $own/ includes the internal $header; use the public heapsolve/ headers"
		elif [ "$quoted" = yes ] && ! [[ "$header" =~ ^$own/ ]]; then
			fail "$f:$number: $own/ includes \"$header\", neither public nor its own"
		fi
	done < <(grep -nE '^#[[:space:]]*include' "$f" || true)
done
[ "$checked" -gt 0 ] || { echo "FAIL: no file given"; exit 1; }
[ "$failures" -eq 0 ] || exit 1
echo "$checked files include only the public boundary"
