#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fits a profile pipeline to an imported DTB: `probe --dtb` names devices as the DT does (label,
else node name), the profile's pipeline as the profile does. The import says which profile device
each of its devices got knowledge from ("# driver knowledge from FILE (device NAME, line N)"); this
renames the pipeline's users accordingly and writes extra.yaml with what a DT cannot hold (the
system heap, the CPU). Exit 0 with the files written, 3 when a user has no device in the import."""
import re
import sys

import yaml

imported, pipeline, outdir = sys.argv[1:4]
rename = {}
heaps = set()
last = None
for line in open(imported):
    m = re.match(r'^  - name: "(.*)"', line)
    if m:
        last = m.group(1)
        if line.startswith('  - name:') and 'reserved-memory' in line:
            heaps.add(last)
    m = re.match(r'^\s*# driver knowledge from .* \(device (\S+), line \d+\)', line)
    if m and last is not None:
        rename.setdefault(m.group(1), last)

doc = yaml.safe_load(open(pipeline))
missing = []


def user(u):
    dev, _, plane = u.partition('/')
    if dev == 'cpu':
        return u
    if dev not in rename:
        missing.append(dev)
        return u
    return rename[dev] + ('/' + plane if plane else '')


for b in doc.get('buffers', []):
    b['producer'] = user(b['producer'])
    if 'consumers' in b:
        b['consumers'] = [user(c) for c in b['consumers']]
policy = doc.get('policy')
if policy and 'prefer' in policy:
    policy['prefer'] = [h for h in policy['prefer'] if h in heaps or h == 'system']
    if not policy['prefer']:
        del policy['prefer']
    if not policy:
        del doc['policy']
if missing:
    print('no device in the import for: ' + ', '.join(sorted(set(missing))))
    sys.exit(3)
with open(outdir + '/pipeline.yaml', 'w') as f:
    yaml.safe_dump(doc, f, sort_keys=False)
with open(outdir + '/extra.yaml', 'w') as f:
    f.write('version: 1\n'
            'heaps:\n'
            '  - name: system   # drivers/dma-buf/heaps/system_heap.c: not in any DT\n'
            '    backend: dma-heap\n'
            'devices:\n'
            '  - name: cpu      # the CPU touches pixels; not a DT DMA master\n'
            '    kind: cpu\n'
            '    cache: cached\n')
