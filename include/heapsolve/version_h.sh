#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Writes heapsolve/version.h from the file VERSION (MAJOR.MINOR.PATCH), the one place the version
# is written. Run by the genrule //include/heapsolve:version_h. Usage: version_h.sh VERSION >version.h
set -eu
version="$(grep -v "^#" "$1")"
bad() {
	echo "$1: '$version' is not MAJOR.MINOR.PATCH (three decimal numbers)" >&2
	exit 1
}
case "$version" in *[!0-9.]* | .* | *. | *..* | "") bad "$1" ;; esac
IFS=. read -r major minor patch extra <<EOF
$version
EOF
[ -n "$patch" ] && [ -z "$extra" ] || bad "$1"
cat <<EOF
/* SPDX-License-Identifier: Apache-2.0 */
/* Generated from VERSION by include/heapsolve/version_h.sh: do not edit. For C and C++. */
#ifndef HEAPSOLVE_VERSION_H
#define HEAPSOLVE_VERSION_H

#define HEAPSOLVE_VERSION_MAJOR $major
#define HEAPSOLVE_VERSION_MINOR $minor
#define HEAPSOLVE_VERSION_PATCH $patch
#define HEAPSOLVE_VERSION_STRING "$version"

#endif /* HEAPSOLVE_VERSION_H */
EOF
