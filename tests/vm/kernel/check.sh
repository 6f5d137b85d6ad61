#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Whether a kernel .config holds every option of a config fragment (the options the VM stage's
# tests need, tests/vm/kernel/config.fragment):
#   tests/vm/kernel/check.sh FRAGMENT CONFIG...
# `CONFIG_X=V` in the fragment needs exactly that line in CONFIG; `# CONFIG_X is not set` needs no
# `CONFIG_X=` line. Prints each option a CONFIG lacks (FRAGMENT:LINE, wanted, found) and one
# verdict line per CONFIG; exits 1 when any CONFIG lacks one, 2 on bad usage.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 FRAGMENT CONFIG..." >&2; exit 2; }
fragment=$1
shift
[ -f "$fragment" ] || { echo "$fragment: no such file" >&2; exit 2; }
status=0
for config in "$@"; do
	[ -f "$config" ] || { echo "$config: no such file" >&2; status=1; continue; }
	options=0
	lacking=0
	lineno=0
	while IFS= read -r line; do
		lineno=$((lineno + 1))
		if [[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]]; then
			name=${BASH_REMATCH[1]}
			grep -qxF -- "$line" "$config" && { options=$((options + 1)); continue; }
		elif [[ $line =~ ^#\ (CONFIG_[A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
			name=${BASH_REMATCH[1]}
			grep -q "^$name=" "$config" || { options=$((options + 1)); continue; }
		elif [[ $line =~ ^[[:space:]]*(#.*)?$ ]]; then
			continue
		else
			echo "$fragment:$lineno: error: neither CONFIG_NAME=VALUE nor '# CONFIG_NAME is not set': $line" >&2
			exit 2
		fi
		found=$(grep -E "^$name=|^# $name is not set" "$config" || true)
		echo "$fragment:$lineno: $config lacks '$line' (it has: ${found:-nothing})" >&2
		options=$((options + 1))
		lacking=$((lacking + 1))
	done <"$fragment"
	if [ "$lacking" -eq 0 ]; then
		echo "$config: has all $options options of $fragment"
	else
		echo "$config: lacks $lacking of the $options options of $fragment"
		status=1
	fi
done
exit "$status"
