#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Holds a profile's board and devices against the importer's reading of the board's real DTB:
memory, the CMA heap (name, placement, size), and for every profile device the DT matched, its
IOMMU and address windows. Prints one line per comparison ("agree", "narrower", "n/a", "explained"
or "DIFFERS"); a difference is acceptable only when the profile says why, in a comment
"# DT differs (memory): ..." or "# DT differs (heap NAME): ..." or "# DT differs (DEVICE): ..." in
the board or devices file. Exit 1 when a difference is not explained.
Usage: hold_profiles.py IMPORT.yaml BOARD.yaml DEVICES.yaml"""
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
board, boardtext = load(sys.argv[2])
devices, devicestext = load(sys.argv[3])
explained = set(re.findall(r'# DT differs \(([^)]*)\):', boardtext + devicestext))
report = []
unexplained = 0


def differs(key, line):
    global unexplained
    if key in explained:
        report.append('explained ' + line)
    else:
        unexplained += 1
        report.append('DIFFERS ' + line)


def compare(what, profile, dt, key=None):
    if profile == dt:
        report.append(f'agree   {what}: profile {profile}, DT {dt}')
    else:
        differs(key or what.split(' ')[0], f'{what}: profile {profile}, DT {dt}')


for w in board.get('memory', []) or []:
    w['base'], w['size'] = num(w['base']), num(w['size'])
if imp.get('memory'):
    compare('memory', fmt(windows(board.get('memory'))), fmt(windows(imp['memory'])), 'memory')
else:
    report.append('n/a     memory: the DTB has none (the bootloader writes it)')

dt_heaps = {h['name']: h for h in imp.get('heaps', []) or []}
for h in board.get('heaps', []) or []:
    if not h.get('contiguous'):
        continue
    name = h['name']
    if name in ('reserved', 'default_cma_region') or h.get('protected'):
        # The kernel's own CMA area (cma=, CONFIG_CMA_SIZE_MBYTES) or a vendor's protected heap.
        report.append(f'n/a     heap {name}: not a DT pool')
        continue
    if name not in dt_heaps:
        differs('heap ' + name, f"CMA heap {name}: not in the DT (DT pools: {', '.join(dt_heaps) or 'none'})")
        continue
    d = dt_heaps[name]
    regions = [(num(r['base']), num(r['size'])) for r in h.get('regions', [])]
    # A pool placed by the kernel is written as its alloc-ranges plus `capacity` (its `size`); a
    # pool at a fixed place as its region alone.
    size = num(h['capacity']) if 'capacity' in h else sum(s for _, s in regions)
    cap = num(d['capacity']) if 'capacity' in d else None
    compare(f'CMA heap {name} size', f'{size:#x}', f'{cap:#x}' if cap is not None else 'unknown', 'heap ' + name)
    if d.get('regions'):
        inside = all(any(b >= db and b + s <= db + ds for db, ds in windows(d['regions'])) for b, s in regions)
        line = f"CMA heap {name} placement: profile {fmt(regions)} inside DT {fmt(windows(d['regions']))}"
        if inside:
            report.append('agree   ' + line)
        else:
            differs('heap ' + name, line)

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
    compare(f"{p['name']} ({matched[p['name']]}) iommu", bool(p.get('iommu', False)), bool(d.get('iommu', False)), p['name'])
    if 'address' in p and not d.get('iommu'):
        pw = windows([{'base': num(w['base']), 'size': num(w['size'])} for w in p['address']])
        dw = windows(dt_alone.get(d['name'], d.get('address')))
        line = f"{p['name']} address: profile {fmt(pw)}, DT {fmt(dw)}"
        if pw == dw:
            report.append('agree   ' + line)
        elif all(any(b >= db and b + s <= db + ds for db, ds in dw) for b, s in pw):
            report.append('narrower ' + line + ' (the driver reaches less than its bus)')
        else:
            differs(p['name'], line)
print('\n'.join(report))
sys.exit(1 if unexplained else 0)
