#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Instructions per call of the functions of the allocation paths, from a callgrind profile of
vm_alloc_bench (tests/vm/bench.sh with HEAPSOLVE_VM_CALLGRIND=1):
  callgrind_summary.py callgrind.out
rawOne() is one raw iteration (ioctl + close), heapsolveOne() one heapsolve iteration
(allocatePlan + release), adapterOne() one call of the dma-heap adapter alone (+ release). Each function called from them or below is listed with its calls per
iteration and inclusive instructions per call, from the profile's calls= records (user space
only: callgrind does not see the kernel; count syscalls with HEAPSOLVE_VM_STRACE=1)."""

import collections
import re
import sys


def parse(path):
    """callee name -> [calls, inclusive Ir], summed over every call site."""
    names = {}
    calls = collections.defaultdict(lambda: [0, 0])

    def name(kind, text):
        m = re.match(r"\((\d+)\)(?: (.*))?", text)
        if not m:
            return text
        key = (kind, m.group(1))
        if m.group(2):
            names[key] = m.group(2)
        return names.get(key, text)

    callee, pending = None, None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("fn="):
            name("fn", line[3:])
        elif line.startswith("cfn="):
            callee = name("fn", line[4:])
        elif line.startswith("calls="):
            pending = int(line[6:].split()[0])
        elif pending is not None and line and (line[0].isdigit() or line[0] in "+-*"):
            fields = line.split()
            calls[callee][0] += pending
            calls[callee][1] += int(fields[1]) if len(fields) > 1 else 0
            pending = None
    return calls


def main():
    calls = parse(sys.argv[1])
    per = {}
    for fn, (n, ir) in calls.items():
        short = re.sub(r"\(.*", "", fn.replace("(anonymous namespace)::", ""))
        per[fn] = (short, n, ir)
    iters = {}
    for key in ("rawOne", "adapterOne", "heapsolveOne"):
        hits = [(n, ir) for fn, (short, n, ir) in per.items() if short.endswith(key)]
        if hits:
            n, ir = hits[0]
            iters[key] = n
            print(f"{key}: {ir / n:.0f} user-space instructions per iteration ({n} calls)")
    if "heapsolveOne" in iters:
        n = iters["heapsolveOne"]
        print("functions called at least once per heapsolve iteration, by inclusive instructions per iteration:")
        rows = [(ir / n, c / n, short) for short, c, ir in per.values() if c >= n and ir / n >= 20]
        for ir, c, short in sorted(rows, reverse=True)[:30]:
            print(f"  {ir:8.0f}  {c:5.1f} calls  {short[:120]}")


if __name__ == "__main__":
    main()
