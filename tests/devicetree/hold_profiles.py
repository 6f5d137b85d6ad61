#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Holds a profile's board and devices against the importer's reading of the board's real DTB:
memory, the CMA heap (name, placement, size), and for every profile device the DT matched, its
IOMMU and address windows. Prints one line per comparison ("agree" / "DIFFERS"); a difference is
acceptable only when the profile line it concerns says why (a comment naming the DT or the driver
that overrides it). Usage: hold_profiles.py IMPORT.yaml BOARD.yaml DEVICES.yaml"""
import re
import sys

import yaml


def windows(ws):
    out = []
    for w in sorted((int(w['base']), int(w['size'])) for w in ws or []):
        if out and out[-1][0] + out[-1][1] == w[0]:
            out[-1] = (out[-1][0], out[-1][1] + w[1])
        else:
            out.append(w)
    return out


def num(v):
    if isinstance(v, int):
        return v
    m = re.fullmatch(r'(\d+)(B|KiB|MiB|GiB|TiB)?', str(v))
    if m:
        return int(m.group(1)) << {None: 0, 'B': 0, 'KiB': 10, 'MiB': 20, 'GiB': 30, 'TiB': 40}[m.group(2)]
    return int(str(v), 0)


def load(path):
    text = open(path).read()
    return yaml.safe_load(text) or {}, text


def fmt(ws):
    return '[' + ', '.join(f'[{b:#x}, +{s:#x})' for b, s in ws) + ']'


imp, imptext = load(sys.argv[1])
board, _ = load(sys.argv[2])
devices, _ = load(sys.argv[3])
report = []


def compare(what, profile, dt):
    report.append(f"{'agree  ' if profile == dt else 'DIFFERS'} {what}: profile {profile}, DT {dt}")


for w in board.get('memory', []) or []:
    w['base'], w['size'] = num(w['base']), num(w['size'])
if imp.get('memory'):
    compare('memory', fmt(windows(board.get('memory'))), fmt(windows(imp['memory'])))
else:
    report.append('n/a     memory: the DTB has none (the bootloader writes it)')

dt_heaps = {h['name']: h for h in imp.get('heaps', []) or []}
for h in board.get('heaps', []) or []:
    if not h.get('contiguous'):
        continue
    name = h['name']
    if name not in dt_heaps:
        report.append(f"DIFFERS CMA heap {name}: not in the DT (DT pools: {', '.join(dt_heaps) or 'none'})")
        continue
    d = dt_heaps[name]
    regions = [(num(r['base']), num(r['size'])) for r in h.get('regions', [])]
    size = sum(s for _, s in regions)
    cap = num(d['capacity']) if 'capacity' in d else None
    compare(f'CMA heap {name} size', f'{size:#x}', f'{cap:#x}' if cap is not None else 'unknown')
    if d.get('regions'):
        inside = all(any(b >= db and b + s <= db + ds for db, ds in windows(d['regions'])) for b, s in regions)
        report.append(f"{'agree  ' if inside else 'DIFFERS'} CMA heap {name} placement: profile {fmt(regions)} inside DT {fmt(windows(d['regions']))}: {inside}")

# The import's device for each profile device (the first node the profile matched), and the DT's
# own window where the profile narrowed it ("# the DT alone: { base: B, size: S }").
matched = {}
dt_alone = {}
last = None
for line in imptext.splitlines():
    m = re.match(r'^  - name: "(.*)"', line)
    if m:
        last = m.group(1)
    m = re.match(r'^\s*# the DT alone: \{ base: (\S+), size: (\S+) \}', line)
    if m and last is not None:
        dt_alone.setdefault(last, []).append({'base': int(m.group(1), 0), 'size': int(m.group(2), 0)})
    m = re.match(r'^\s*# driver knowledge from .* \(device (\S+), line \d+\)', line)
    if m and last is not None:
        matched.setdefault(m.group(1), last)
dt_devices = {d['name']: d for d in imp.get('devices', []) or []}
for p in devices.get('devices', []) or []:
    if p['name'] not in matched:
        continue
    d = dt_devices.get(matched[p['name']])
    if d is None:
        continue
    compare(f"{p['name']} ({matched[p['name']]}) iommu", bool(p.get('iommu', False)), bool(d.get('iommu', False)))
    if 'address' in p and not d.get('iommu'):
        pw = windows([{'base': num(w['base']), 'size': num(w['size'])} for w in p['address']])
        dw = windows(dt_alone.get(d['name'], d.get('address')))
        report.append(f"{'agree  ' if pw == dw else 'narrower' if all(any(b >= db and b + s <= db + ds for db, ds in dw) for b, s in pw) else 'DIFFERS'} "
                      f"{p['name']} address: profile {fmt(pw)}, DT {fmt(dw)}")
print('\n'.join(report))
