#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compares the figures in bench/results/*.json (written by scripts/bench.sh) with the targets of
issue 6 and prints one table (Markdown, pasted into docs/performance.md). Every timing is the best
repetition, with the worst beside it as the spread. Exits 1 when a target is missed, 2 when a
result is missing. Python 3 standard library only.

`compare.py --vm [RESULTS]` prints only the allocation table of vm_alloc.json (tests/vm/bench.sh:
raw DMA_HEAP_IOCTL_ALLOC against heapsolve in a VM, interleaved repetitions of one run)."""

import json
import os
import sys

UNIT_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def load(results, name):
    path = os.path.join(results, name)
    if not os.path.exists(path):
        sys.exit(f"compare.py: {path} is missing; run scripts/bench.sh")
    with open(path) as f:
        return json.load(f)


def bench_times(data, run_name, unit):
    """Best and worst repetition of one benchmark, in `unit`."""
    times = [b["real_time"] * UNIT_NS[b["time_unit"]] / UNIT_NS[unit]
             for b in data["benchmarks"]
             if b.get("run_name", b["name"]) == run_name and b.get("run_type", "iteration") == "iteration"]
    if not times:
        sys.exit(f"compare.py: no repetitions of {run_name} in solve_bench.json")
    return min(times), max(times)


# Issue 6: heapsolve's allocation path against the raw ioctl, in the VM, per buffer size.
VM_RATIO_TARGET = 1.02
VM_SIZES = ((4096, "4 KiB"), (1 << 20, "1 MiB"))


def vm_pairs(data):
    """(heap, size, label, raw repetitions in us, heapsolve repetitions in us) per measured pair."""
    def reps(name):
        return sorted(b["real_time"] * UNIT_NS[b["time_unit"]] / 1e3
                      for b in data["benchmarks"]
                      if b.get("run_name", b["name"]) == name and b.get("run_type", "iteration") == "iteration"
                      and not b.get("error_occurred"))
    heaps = []
    for b in data["benchmarks"]:
        heap = b.get("run_name", b["name"]).split("/")[1]
        if heap not in heaps:
            heaps.append(heap)
    out = []
    for heap in heaps:
        for size, label in VM_SIZES:
            raw, hs = reps(f"raw/{heap}/{size}"), reps(f"heapsolve/{heap}/{size}")
            if not raw or not hs:
                sys.exit(f"compare.py: no repetitions of raw/{heap}/{size} or heapsolve/{heap}/{size} in vm_alloc.json")
            out.append((heap, size, label, raw, hs))
    return out


def median(v):
    return (v[(len(v) - 1) // 2] + v[len(v) // 2]) / 2


def vm_table(data):
    """The allocation table; returns the number of missed targets (the system heap's ratios)."""
    host = data.get("host", {})
    print(f"VM: {host.get('emulation', '?')}, kernel {host.get('kernel', '?')}, on {host.get('nproc', '?')} CPUs "
          f"{host.get('cpu', '?')}, load average at end {host.get('loadavg', [0])[0]:.1f}; "
          f"{host.get('repetitions', '?')} interleaved repetitions")
    print()
    print("| heap | size | raw ioctl, best | heapsolve, best | ratio (best / best) | ratio of medians | target | met |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    missed = 0
    for heap, size, label, raw, hs in vm_pairs(data):
        ratio = hs[0] / raw[0]
        target = VM_RATIO_TARGET if heap == "system" else None
        met = target is None or ratio <= target
        missed += not met
        print(f"| {heap} | {label} | {raw[0] * 1e3:.0f} ns | {hs[0] * 1e3:.0f} ns | {ratio:.3f} | "
              f"{median(hs) / median(raw):.3f} | {f'<= {target:g}' if target else '-'} | "
              f"{'-' if target is None else 'yes' if met else 'NO'} |")
    print()
    return missed


def fmt(v):
    """Three significant digits, without exponents."""
    return f"{v:.0f}" if v >= 100 else f"{v:.3g}"


def main():
    args = sys.argv[1:]
    vm_only = "--vm" in args
    args = [a for a in args if a != "--vm"]
    results = args[0] if args else os.path.join(os.path.dirname(__file__), "results")
    vm = load(results, "vm_alloc.json")
    if vm_only:
        missed = vm_table(vm)
        print(f"{len([p for p in vm_pairs(vm) if p[0] == 'system']) - missed} targets met, {missed} missed")
        return 1 if missed else 0
    machine = load(results, "machine.json")
    bench = load(results, "solve_bench.json")
    rss = load(results, "peak_rss.json")
    cli = load(results, "cli_check_1k.json")["results"][0]

    rows = []  # (figure, best, worst, unit, target, met?)

    def row(figure, best, worst, unit, target):
        rows.append((figure, best, worst, unit, target, target is None or best <= target))

    cold = bench_times(bench, "BM_SingleBufferCold", "us")
    row("solve 1 buffer (1080p NV12, 3 users, 8 heaps), cold", *cold, "us", 5.0)
    cached = bench_times(bench, "BM_SingleBufferCached", "ns")
    row("same, plan cache hit (canonical key built each call)", *cached, "ns", 200.0)
    for kind, label in (("BM_LoadAndSolveSystem", "check (load + solve)"), ("BM_SolveSystem", "solve alone")):
        small = bench_times(bench, f"{kind}/1000", "ms")
        big = bench_times(bench, f"{kind}/10000", "ms")
        row(f"{label}, 1,000 buffers", *small, "ms", None)
        row(f"{label}, 10,000 buffers", *big, "ms", 50.0)
        # Growth: best against best (worst against worst as the spread).
        row(f"{label}, 10,000 / 1,000 (linear growth)", big[0] / small[0], big[1] / small[1], "x", 11.0)
    kib = [r["maxrss_kib"] for r in rss]
    row("peak RSS, load + solve 10,000 buffers", min(kib) / 1024, max(kib) / 1024, "MiB", 64.0)
    row("`heapsolve check` process, 1,000 buffers (hyperfine)", cli["min"] * 1e3, cli["max"] * 1e3, "ms", 100.0)
    # Best against best; the worst repetitions against each other as the spread.
    for heap, size, label, raw, hs in vm_pairs(vm):
        row(f"allocate {label} from heap '{heap}' in the VM, heapsolve / raw ioctl", hs[0] / raw[0], hs[-1] / raw[-1],
            "x", VM_RATIO_TARGET if heap == "system" else None)

    print(f"Machine: {machine['nproc']} CPUs, {machine['cpu']}, kernel {machine['kernel']}, "
          f"load average at start {machine['loadavg'][0]:.1f}")
    print()
    print("| figure | best | worst | target | best / target | met |")
    print("|---|---:|---:|---:|---:|---|")
    missed = 0
    for figure, best, worst, unit, target, met in rows:
        if target is None:
            print(f"| {figure} | {fmt(best)} {unit} | {fmt(worst)} {unit} | - | - | - |")
            continue
        missed += not met
        print(f"| {figure} | {fmt(best)} {unit} | {fmt(worst)} {unit} | <= {target:g} {unit} | "
              f"{best / target:.2f} | {'yes' if met else 'NO'} |")
    print()
    print(f"{len([r for r in rows if r[4] is not None]) - missed} targets met, {missed} missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
