#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# The table of bench/gst_bench.cpp's Google Benchmark JSON: per pipeline and size, the median over
# the repetitions of wall and CPU nanoseconds per frame (with the lowest and highest repetition),
# and each heapsolvealloc pipeline's difference to identity at the same size.
#   python3 bench/gst_summary.py RESULT.json
import json
import statistics
import sys

data = json.load(open(sys.argv[1]))
runs = {}
for b in data["benchmarks"]:
    if b.get("run_type") != "iteration" or b.get("error_occurred"):
        continue
    name = b["run_name"].split("/manual_time")[0].split("/iterations:")[0]
    runs.setdefault(name, []).append((b["frame_ns"], b["cpu_ns"]))
ctx = data.get("context", {})
print(f"{ctx.get('num_cpus', '?')} CPUs, load average {ctx.get('load_avg', '?')} (at the start)")
print("| pipeline | frame (wall), median | lowest - highest | CPU per frame, median | lowest - highest | repetitions |")
print("|---|---:|---:|---:|---:|---:|")
median = {}
for name, rs in runs.items():
    wall = [r[0] for r in rs]
    cpu = [r[1] for r in rs]
    median[name] = (statistics.median(wall), statistics.median(cpu))
    print(f"| {name} | {median[name][0] / 1000:.1f} us | {min(wall) / 1000:.1f} - {max(wall) / 1000:.1f} us"
          f" | {median[name][1] / 1000:.1f} us | {min(cpu) / 1000:.1f} - {max(cpu) / 1000:.1f} us | {len(rs)} |")
for name in runs:
    pipeline, size = name.split("/", 1)
    base = f"identity/{size}"
    if pipeline != "identity" and base in median:
        dw = median[name][0] - median[base][0]
        dc = median[name][1] - median[base][1]
        print(f"{name} - {base}: wall {dw / 1000:+.1f} us, CPU {dc / 1000:+.1f} us per frame")
