#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs the hand-computed self-checks of the Python reference (reference_selftest.py).
set -eu
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" "$(dirname "$0")/reference_selftest.py" "$@"
