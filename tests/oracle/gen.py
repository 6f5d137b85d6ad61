# SPDX-License-Identifier: Apache-2.0
"""Seeded generator of random, mostly valid schema-1 systems.

`generate(seed, outdir)` writes one to three YAML files (board / devices /
pipeline, with items sometimes moved to another file) and returns their paths
in command-line order.  Most systems are valid; a fraction is unsatisfiable
by construction of random constraints, and about one in twelve is mutated
into bad input (exit 2).  Usage: gen.py [--additions] SEED OUTDIR

With `additions` (--additions), the systems also use the "Additions of
2026-12" of schema.md and the heap key `capacity`: page_size, per-format
modifier mappings (some laid out as KMS reports them: each plane its own
mapping, the device the union), chroma_stride, capacity, widths where
derived chroma strides differ, and bad input of each.  Without it, every
draw is the same as before these keys existed (each new draw sits behind
`self.additions`), so the same seed gives the same files byte for byte.
"""

import os
import random
import sys

TABLE = ["R8", "RGB565", "BGR565", "YUYV", "YVYU", "UYVY", "VYUY", "RGB888",
         "BGR888", "XRGB8888", "ARGB8888", "XBGR8888", "ABGR8888", "RGBX8888",
         "RGBA8888", "XRGB2101010", "ARGB2101010", "NV12", "NV21", "NV16",
         "NV61", "NV24", "NV42", "P010", "YUV420", "YVU420", "YUV422",
         "YVU422", "YUV444"]
OTHER_FOURCCS = ["MT21", "Q08C", "NV15", "AR30"]
MODIFIERS = ["LINEAR", "ALLWINNER_TILED", "SAMSUNG_64_32_TILE",
             "BROADCOM_SAND128", "ARM_AFBC", "0x0100000000000001", "0x0",
             "0x00ff"]
BACKENDS = ["dma-heap", "drm-dumb", "udmabuf"]
KINDS = ["codec", "render", "display", "camera", "cpu", "other"]
KiB, MiB, GiB, TiB = 1 << 10, 1 << 20, 1 << 30, 1 << 40
BASES = [0, 0x40000000, 0x48000000, 0x7f000000, 0x80000000, 0x100000000,
         0x200000000]
SIZES = [16 * MiB, 64 * MiB, 96 * MiB, 256 * MiB, GiB, 2 * GiB, 4 * GiB,
         8 * GiB]


class Num(str):
    """A number token, so that mutations can find numbers."""


class M(list):
    """A mapping as a list of [key, value] pairs (duplicates allowed)."""

    def get(self, key):
        for k, v in self:
            if k == key:
                return v
        return None


class L(list):
    pass


class FM(M):
    """A per-format modifier mapping (format -> list of modifiers)."""


class Gen:
    def __init__(self, seed, additions=False):
        self.r = random.Random(seed)
        self.flow = self.r.random() < 0.7
        # How hard the system is: scales the odds of restrictive rules.
        self.h = self.r.choice([0.2, 0.4, 0.7, 1.0])
        # Small systems: page-sized buffers against KiB regions and limits,
        # so that sizes land exactly on max_buffer, a region or a total.
        self.small = self.r.random() < 0.25
        self.additions = additions
        # The kernel's page size, when the system says it (additions only).
        self.page_size = None
        if additions and self.chance(0.35):
            self.page_size = self.r.choice([4 * KiB, 8 * KiB, 16 * KiB,
                                            16 * KiB, 64 * KiB])

    def chance(self, p):
        return self.r.random() < p

    def strict(self, p):
        return self.r.random() < p * self.h

    def num(self, v):
        r = self.r
        choices = [str(v)]
        if v:
            choices.append("0x%x" % v)
            if r.random() < 0.3:
                choices.append("0x%X" % v)
        for unit, mul in (("TiB", TiB), ("GiB", GiB), ("MiB", MiB),
                          ("KiB", KiB)):
            if v and v % mul == 0:
                choices += ["%d%s" % (v // mul, unit)] * 3
                break
        if r.random() < 0.1:
            choices.append("0%d" % v)
        if r.random() < 0.05:
            choices.append("%dB" % v)
        return Num(r.choice(choices))

    def window(self, base=None, size=None):
        r = self.r
        return M([["base", self.num(r.choice(BASES) if base is None
                                    else base)],
                  ["size", self.num(r.choice(SIZES) if size is None
                                    else size)]])

    def windows(self):
        r = self.r
        if r.random() < 0.004:
            # Near the top of the address space (end exactly 2^64 or above).
            return L([self.window((1 << 64) - 4096 * r.choice([1, 2]),
                                  r.choice([4096, 8192]))])
        if self.small and r.random() < 0.5:
            base = r.choice([0, 0x40000000])
            sizes = [r.choice([4 * KiB, 16 * KiB, 32 * KiB])
                     for _ in range(r.choice([1, 1, 2]))]
            out = L()
            for s in sizes:
                out.append(self.window(base, s))
                base += s if r.random() < 0.7 else 64 * KiB
            return out
        if r.random() < 0.1:
            # One window written as two adjacent halves: they join.
            base, size = r.choice([(0, 4 * GiB), (0x40000000, 2 * GiB),
                                   (0x40000000, 512 * MiB)])
            return L([self.window(base, size // 2),
                      self.window(base + size // 2, size // 2)])
        out = L()
        end = None
        for _ in range(1 if r.random() < 0.75 else 2):
            if end is not None and r.random() < 0.5:
                base = end                                   # adjacent
            else:
                base = r.choice(BASES)
            size = r.choice(SIZES)
            if not self.strict(0.8):
                base, size = r.choice([(0, 8 * GiB), (0, 4 * GiB),
                                       (0x40000000, 2 * GiB)])
            out.append(self.window(base, size))
            end = base + size
        return out

    def boolean(self, v):
        return Num("true" if v else "false")

    # ---------------------------------------------------------- parts
    def heap(self, name):
        r = self.r
        h = M([["name", name], ["backend", r.choice(BACKENDS + BACKENDS[:1] * 2)]])
        if self.chance(0.15):
            h.append(["path", "/dev/dma_heap/%s" % name])
        if self.chance(0.4):
            h.append(["contiguous", self.boolean(self.chance(0.6))])
        if self.chance(0.5):
            h.append(["regions", self.windows()])
        if self.chance(0.3):
            h.append(["cached", self.boolean(not self.strict(0.5))])
        if self.chance(0.2):
            h.append(["protected", self.boolean(self.strict(0.5))])
        if self.chance(0.3):
            a = r.choice([4 * KiB, 8 * KiB, 12 * KiB, 64 * KiB, MiB, 2 * MiB])
            if self.additions and self.page_size and a % self.page_size \
                    and self.chance(0.9):
                # Mostly a valid align under larger pages; sometimes not.
                a = r.choice([1, 2, 4]) * self.page_size
            h.append(["align", self.num(a)])
        if self.chance(0.25):
            h.append(["max_buffer", self.num(r.choice(
                [4 * KiB, 8 * KiB, 12 * KiB, 16 * KiB] if self.small else
                [MiB, 4 * MiB, 16 * MiB, 64 * MiB, 256 * MiB, TiB]))])
        if self.additions and self.chance(0.3):
            h.append(["capacity", self.num(r.choice(
                [4 * KiB, 8 * KiB, 12 * KiB, 16 * KiB, 32 * KiB, 64 * KiB]
                if self.small else
                [16 * MiB, 64 * MiB, 96 * MiB, 256 * MiB, GiB, 8 * GiB,
                 TiB]))])
        rest = h[2:]
        r.shuffle(rest)
        h[2:] = rest
        return h

    def rules(self, m, plane):
        r = self.r
        p = 0.3 if plane else 0.4
        if self.strict(0.4 if not plane else 0.45):
            if plane and self.chance(0.5):
                m.append(["address", L([self.window(0x7f000000, 16 * MiB)])])
            else:
                m.append(["address", self.windows()])
        if self.chance(0.3 if not plane else 0.15):
            m.append(["contiguous", self.boolean(self.strict(0.6))])
        if self.chance(p):
            a = M()
            for k, vals in (("base", [1, 2, 64, 256, 4 * KiB, 8 * KiB,
                                      12 * KiB, 64 * KiB]),
                            ("stride", [3, 16, 32, 48, 64, 128, 256]),
                            ("height", [2, 3, 16, 32, 64]),
                            ("size", [1000, 4 * KiB, 64 * KiB, MiB])):
                if self.chance(0.45):
                    a.append([k, self.num(r.choice(vals))])
            if not a:
                a.append(["base", self.num(8 * KiB)])
            m.append(["align", a])
        if self.strict(0.3 if not plane else 0.2):
            m.append(["max_stride", self.num(r.choice(
                [1024, 2048, 4096, 7680, 8192, 16384, 65536]))])
        if self.strict(0.6 if not plane else 0.4):
            fs = r.sample(TABLE, r.randint(1, 12))
            if self.chance(0.2):
                fs.insert(r.randint(0, len(fs)), r.choice(OTHER_FOURCCS))
            m.append(["formats", L(fs)])
        if self.chance(0.35 if not plane else 0.25):
            if self.additions and self.chance(0.5):
                m.append(["modifiers", self.modifier_map(m)])
            else:
                ms = r.sample(MODIFIERS, r.randint(1, 3))
                if not self.strict(0.6) and "LINEAR" not in ms:
                    ms.append("LINEAR")
                m.append(["modifiers", L(ms)])
        if self.chance(0.4 if not plane else 0.25):
            m.append(["cache", "any" if not self.strict(0.4) else
                      r.choice(["cached", "uncached"])])
        if self.additions and self.chance(0.3 if not plane else 0.2):
            cs = r.choice(["derived", "derived", "aligned"])
            m.append(["chroma_stride", cs])
            if cs == "derived" and m.get("align") is None and \
                    self.chance(0.5):
                # A V4L2 decoder's bytesperline alignment: where derived
                # and aligned strides part.
                m.append(["align", M([["stride", self.num(
                    r.choice([16, 32, 64, 128]))]])])

    def modifier_map(self, m):
        """A per-format mapping: mostly the formats of `m`'s formats list
        (when it has one), sometimes others or a fourcc outside the table."""
        r = self.r
        fl = m.get("formats")
        pool = list(fl) if fl and self.chance(0.7) else TABLE
        keys = r.sample(pool, min(len(pool), r.randint(1, 6)))
        if self.chance(0.15):
            keys.append(r.choice([f for f in OTHER_FOURCCS
                                  if f not in keys] or ["MT21"]))
        fm = FM()
        for k in keys:
            ms = r.sample(MODIFIERS, r.randint(1, 3))
            if not self.strict(0.5) and "LINEAR" not in ms:
                ms.append("LINEAR")
            fm.append([k, L(ms)])
        return fm

    def device(self, name):
        r = self.r
        d = M([["name", name], ["kind", r.choice(KINDS)]])
        if self.chance(0.3):
            d.append(["iommu", self.boolean(self.chance(0.8))])
        self.rules(d, False)
        if self.chance(0.25):
            d.append(["protected", self.boolean(self.chance(0.7))])
        rest = d[2:]
        r.shuffle(rest)
        d[2:] = rest
        if self.chance(0.35):
            planes = L()
            for i in range(r.randint(1, 3)):
                p = M([["name", "layer%d" % i]])
                self.rules(p, True)
                planes.append(p)
            d.append(["planes", planes])
            if self.additions and self.chance(0.3):
                self.kms_modifiers(d, planes)
        return d

    def kms_modifiers(self, d, planes):
        """As probe describes KMS: each plane its own per-format mapping
        (IN_FORMATS), the device per format the union of its planes'
        lists, in first-seen order."""
        r = self.r
        for p in planes:
            p[:] = [kv for kv in p if kv[0] != "modifiers"]
            fm = FM()
            for f in r.sample(["NV12", "XRGB8888", "ARGB8888", "YUV420",
                               "RGB565", "P010"], r.randint(1, 4)):
                ms = r.sample(["BROADCOM_SAND128", "BROADCOM_UIF", "ARM_AFBC",
                               "LINEAR"], r.randint(1, 2))
                if self.chance(0.6) and "LINEAR" not in ms:
                    ms.append("LINEAR")
                fm.append([f, L(ms)])
            p.append(["modifiers", fm])
        union = FM()
        for p in planes:
            for f, ms in p.get("modifiers"):
                have = union.get(f)
                if have is None:
                    union.append([f, L(ms)])
                else:
                    have.extend(x for x in ms if x not in have)
        at = [i for i, kv in enumerate(d) if kv[0] == "modifiers"]
        if at:
            d[at[0]] = ["modifiers", union]
        else:
            d.insert(len(d) - 1, ["modifiers", union])

    def dimension(self):
        r = self.r
        x = r.random()
        if self.small and x < 0.8:
            return r.choice([1, 2, 3, 16, 64, 100])
        if self.additions and x < 0.3:
            # Widths where derived and aligned chroma strides part.
            return r.choice([1928, 1927, 1366, 854, 5, 7, 13, 1921, 33,
                             1928, 1928, 1080])
        if x < 0.85:
            return r.choice([1, 2, 3, 17, 33, 64, 320, 480, 640, 720, 1080,
                             1081, 1280, 1920, 2160, 3840, 4096])
        if x < 0.975:
            return r.randint(1, 5000)
        return r.choice([1 << 20, 1 << 28, 1 << 32, (1 << 32) + 1, 1 << 40,
                         (1 << 63), (1 << 64) - 1, r.randint(1, 1 << 36)])

    def buffer(self, name, devices):
        r = self.r
        users = {}
        for d in devices:
            users[d.get("name")] = [d] + list(d.get("planes") or [])
            for p in d.get("planes") or []:
                users["%s/%s" % (d.get("name"), p.get("name"))] = [d, p]
        producer = r.choice(list(users))
        others = [u for u in users if u != producer]
        k = min(len(others), r.choice([0, 1, 1, 2, 2, 3]))
        consumers = r.sample(others, k)
        # Mostly a format every user accepts, so that many buffers solve.
        cands = set(TABLE)
        for u in [producer] + consumers:
            for m in users[u]:
                if m.get("formats"):
                    cands &= set(m.get("formats"))
                if isinstance(m.get("modifiers"), FM):
                    cands &= {f for f, _ in m.get("modifiers")}
        if cands and self.chance(0.85):
            fmt = r.choice(sorted(cands))
        else:
            fmt = r.choice(TABLE)
        b = M([["name", name], ["format", fmt],
               ["width", self.num(self.dimension())],
               ["height", self.num(self.dimension())]])
        if self.chance(0.4):
            x = r.random()
            b.append(["count", self.num(r.randint(1, 8) if x < 0.97
                                        else r.choice([1 << 40, 1 << 50]))])
        if self.chance(0.15):
            b.append(["protected", self.boolean(self.strict(0.5))])
        b.append(["producer", producer])
        if consumers:
            b.append(["consumers", L(consumers)])
        rest = b[1:]
        r.shuffle(rest)
        b[1:] = rest
        return b

    # ---------------------------------------------------------- system
    def system(self):
        r = self.r
        nfiles = r.choice([1, 2, 3, 3])
        files = [M([["version", Num("1")]]) for _ in range(nfiles)]
        lists = [dict() for _ in range(nfiles)]

        def put(key, item, default):
            i = default if not self.chance(0.15) else r.randrange(nfiles)
            lists[i].setdefault(key, L()).append(item)

        if self.chance(0.7):
            for w in r.choice([
                    [(0x40000000, 2 * GiB)],
                    [(0, 4 * GiB), (0x100000000, 4 * GiB)],
                    [(0x40000000, GiB), (0x80000000, GiB)],
                    [(0x40000000, 512 * MiB)]]):
                put("memory", self.window(*w), 0)
        heap_names = r.sample(["system", "cma", "reserved", "ve-pool",
                               "secure", "dumb", "udmabuf", "linear", "big",
                               "CMA", "Zed", "cma-2", "cma_2", "\u00e9t\u00e9",
                               "z\u00fc"], r.randint(1, 4))
        if self.chance(0.02):
            heap_names = []         # nothing to allocate from
        self.heaps = [self.heap(n) for n in heap_names]
        for h in self.heaps:
            put("heaps", h, 0)
        dev_names = r.sample(["vpu", "gpu", "disp", "cam", "cpu", "isp",
                              "rga", "npu"], r.randint(1, 4))
        self.devices = [self.device(n) for n in dev_names]
        for d in self.devices:
            put("devices", d, min(1, nfiles - 1))
        names = r.sample(["decoded", "frame", "overlay", "scanout", "preview",
                          "raw", "enc", "cursor"], r.randint(1, 3))
        self.buffers = [self.buffer(n, self.devices) for n in names]
        for b in self.buffers:
            put("buffers", b, nfiles - 1)
        self.policy = None
        if self.chance(0.5):
            pol = M()
            if heap_names and self.chance(0.7):
                pol.append(["prefer", L(r.sample(heap_names,
                                                 r.randint(1, len(heap_names))))])
            if self.chance(0.3):
                pol.append(["forbid_backends",
                            L(r.sample(BACKENDS, r.randint(1, 2)))])
            if pol:
                self.policy = pol
                lists[r.randrange(nfiles)]["policy"] = pol
        if self.page_size:
            lists[r.randrange(nfiles)]["page_size"] = self.num(self.page_size)
        for i, f in enumerate(files):
            keys = ["memory", "heaps", "devices", "buffers", "policy"]
            if self.additions:
                keys.append("page_size")
            if self.chance(0.2):
                r.shuffle(keys)
            for k in keys:
                if k in lists[i]:
                    f.append([k, lists[i][k]])
        self.files = files
        self.bad = None
        if self.chance(0.08):
            self.mutate()
        return files

    # ---------------------------------------------------------- bad input
    def all_maps(self):
        out = []

        def walk(node):
            if isinstance(node, M):
                out.append(node)
                for _, v in node:
                    walk(v)
            elif isinstance(node, L):
                for v in node:
                    walk(v)
        for f in self.files:
            walk(f)
        return out

    def mutate(self):
        r = self.r
        maps = self.all_maps()
        nums = [(m, i) for m in maps for i, (k, v) in enumerate(m)
                if isinstance(v, Num) and k != "version"]
        entries = [m for m in maps if m.get("name") is not None]
        kinds = ["quoted", "negative", "fraction", "space", "hexunit",
                 "hexempty", "unknown", "dupkey", "noversion", "emptylist",
                 "noproducer", "prodcons", "heapalign", "slash", "dupname",
                 "modifier", "policy2", "forbid", "huge", "yes", "format",
                 "zero", "novalue", "noplane", "duplist", "bigunit",
                 "tagged", "twodoc", "emptyfile", "mergekey", "pathnovalue"]
        if self.additions:
            kinds += ["pagesize", "pagesize2", "pagealign", "modmap",
                      "chroma", "capacity"]
        kind = r.choice(kinds)
        if not self.heaps and kind in ("mergekey", "pathnovalue", "heapalign",
                                       "slash", "dupname", "pagealign"):
            kind = "unknown"
        self.bad = kind
        if kind in ("quoted", "negative", "fraction", "space", "hexunit",
                    "hexempty", "huge", "yes", "bigunit", "zero") and nums:
            m, i = r.choice(nums)
            v = m[i][1]
            if kind == "zero":
                if m[i][0] == "base" or m[i][1] in ("true", "false"):
                    kind = "quoted"
                else:
                    m[i][1] = Num("0")
                    return
            m[i][1] = Num({
                "quoted": '"%s"' % v, "negative": "-%s" % v,
                "fraction": "1.5", "space": "1 KiB", "hexunit": "0x1KiB",
                "hexempty": "0x", "huge": "18446744073709551616",
                "yes": "yes", "bigunit": "16777216TiB"}[kind])
            return
        if kind == "tagged" and nums:
            m, i = r.choice(nums)
            m[i][1] = Num(r.choice(["!!str ", "!!int "]) + m[i][1])
        elif kind == "twodoc":
            r.choice(self.files).append(["---\nversion", Num("1")])
        elif kind == "emptyfile":
            del r.choice(self.files)[:]
        elif kind == "mergekey":
            r.choice(self.heaps).append(["<<", M([["cached", Num("true")]])])
        elif kind == "pathnovalue":
            r.choice(self.heaps).append(["path", ""])
        elif kind == "unknown":
            r.choice(maps).append(["colour", "blue"])
        elif kind == "dupkey" and entries:
            e = r.choice(entries)
            e.append(list(e[0]))
        elif kind == "noversion":
            del r.choice(self.files)[0]
        elif kind == "emptylist":
            r.choice(maps).append(["formats", L()])
        elif kind == "noproducer":
            b = r.choice(self.buffers)
            for kv in b:
                if kv[0] == "producer":
                    kv[1] = "nosuchdevice"
        elif kind == "prodcons":
            b = r.choice(self.buffers)
            p = b.get("producer")
            c = b.get("consumers")
            if c is not None:
                c.append(p)
            else:
                b.append(["consumers", L([p])])
        elif kind == "heapalign":
            h = r.choice(self.heaps)
            h[:] = [kv for kv in h if kv[0] != "align"] + [["align", Num("6KiB")]]
        elif kind == "slash":
            r.choice(self.heaps)[0][1] = "a/b"
        elif kind == "dupname":
            self.devices[0][0][1] = self.heaps[0].get("name")
        elif kind == "modifier":
            d = r.choice(self.devices)
            d[:] = [kv for kv in d if kv[0] != "modifiers"] + \
                [["modifiers", L([r.choice(["linear", "DRM_FORMAT_MOD_LINEAR",
                                            "0x00000000000000001", "0xg"])])]]
        elif kind == "policy2" and len(self.files) > 1:
            for f in self.files:
                f[:] = [kv for kv in f if kv[0] != "policy"]
                f.append(["policy", M([["forbid_backends", L(["udmabuf"])]])])
        elif kind == "forbid":
            self.files[0].append(["policy", M([["forbid_backends", L(["ion"])]])])
            if self.policy is not None:
                self.policy.append(["colour", "x"])
        elif kind == "format":
            b = r.choice(self.buffers)
            for kv in b:
                if kv[0] == "format":
                    kv[1] = r.choice(OTHER_FOURCCS)
        elif kind == "novalue":
            e = r.choice(entries)
            e.append(["count" if e in self.buffers else "name", ""])
        elif kind == "noplane":
            b = r.choice(self.buffers)
            for kv in b:
                if kv[0] == "producer":
                    kv[1] = kv[1].split("/")[0] + "/layer9"
        elif kind == "duplist":
            d = r.choice(self.devices)
            d.append(["formats", L(["NV12", "NV12"])])
            d[:] = [kv for i, kv in enumerate(d)
                    if kv[0] != "formats" or i == len(d) - 1]
        elif kind == "pagesize":
            self.files[-1][:] = [kv for kv in self.files[-1]
                                 if kv[0] != "page_size"]
            self.files[-1].append(["page_size", Num(r.choice(
                ["2048", "12KiB", "0x3000", "1", "6144", '"16KiB"']))])
            for f in self.files[:-1]:
                f[:] = [kv for kv in f if kv[0] != "page_size"]
        elif kind == "pagesize2":
            for f in self.files:
                if not any(kv[0] == "page_size" for kv in f):
                    f.append(["page_size", Num("16KiB")])
            if len(self.files) == 1:
                self.files[0].append(["page_size", Num("16KiB")])
        elif kind == "pagealign":
            # A heap align that is a multiple of 4096 but not of page_size,
            # page_size perhaps in a later file.
            for f in self.files:
                f[:] = [kv for kv in f if kv[0] != "page_size"]
            r.choice(self.files).append(["page_size", Num(r.choice(
                ["16KiB", "0x10000"]))])
            h = r.choice(self.heaps)
            h[:] = [kv for kv in h if kv[0] != "align"] + \
                [["align", self.num(r.choice([4 * KiB, 8 * KiB, 12 * KiB]))]]
        elif kind == "modmap":
            d = r.choice(self.devices + [p for d in self.devices
                                         for p in d.get("planes") or []])
            d[:] = [kv for kv in d if kv[0] != "modifiers"] + \
                [["modifiers", r.choice([
                    FM(), FM([["NV12", L()]]), FM([["NV12", "LINEAR"]]),
                    FM([["NV12", L(["linear"])]]),
                    FM([["NV12", L(["LINEAR", "LINEAR"])]]),
                    FM([["NV12", L(["LINEAR"])], ["NV12", L(["LINEAR"])]]),
                    FM([["NV12", L(["DRM_FORMAT_MOD_LINEAR"])]]),
                    FM([["XRGB8888", L(["LINEAR"])], ["NV12", ""]])])]]
        elif kind == "chroma":
            d = r.choice(self.devices)
            d[:] = [kv for kv in d if kv[0] != "chroma_stride"] + \
                [["chroma_stride", r.choice(["interleaved", "Derived",
                                             "true", ""])]]
        elif kind == "capacity":
            if self.heaps and self.chance(0.6):
                h = r.choice(self.heaps)
                h[:] = [kv for kv in h if kv[0] != "capacity"] + \
                    [["capacity", Num(r.choice(["0", '"64MiB"', "64 MiB",
                                                "-1"]))]]
            else:
                r.choice(self.devices).append(["capacity", Num("64MiB")])
        else:
            # Mutation not applicable: fall back to an unknown key.
            self.bad = "unknown"
            self.files[0].append(["colour", "blue"])


# -------------------------------------------------------------- emitter
def scalar_list(items):
    return all(isinstance(x, str) for x in items)


def flat_map(m):
    return all(isinstance(v, str) for _, v in m)


def inline(node):
    if isinstance(node, M):
        return "{" + ", ".join("%s: %s" % (k, inline(v)) for k, v in node) + "}"
    if isinstance(node, L):
        return "[" + ", ".join(inline(v) for v in node) + "]"
    return node


def can_inline(node):
    """Scalar lists, windows, align and per-format modifier mappings;
    entries stay block style."""
    if isinstance(node, FM):
        return all(isinstance(v, str) or (isinstance(v, L) and scalar_list(v))
                   for _, v in node)
    if isinstance(node, M):
        return flat_map(node) and node.get("name") is None
    if isinstance(node, L):
        return all(isinstance(v, str) or (isinstance(v, M) and can_inline(v))
                   for v in node)
    return True


def emit_map(m, indent, flow, out, first_prefix=None):
    pad = " " * indent
    for i, (k, v) in enumerate(m):
        prefix = first_prefix if (i == 0 and first_prefix) else pad
        if isinstance(v, (M, L)) and v and not (flow and can_inline(v)):
            out.append("%s%s:" % (prefix, k))
            if isinstance(v, M):
                emit_map(v, indent + 2, flow, out)
            else:
                emit_list(v, indent + 2, flow, out)
        elif isinstance(v, str) and v == "":
            out.append("%s%s:" % (prefix, k))
        else:
            out.append("%s%s: %s" % (prefix, k, inline(v)))


def emit_list(lst, indent, flow, out):
    pad = " " * indent
    for v in lst:
        if isinstance(v, M) and not (flat_map(v) and len(v) <= 2
                                     and v and v[0][0] == "base"):
            emit_map(v, indent + 2, flow, out, first_prefix=pad + "- ")
        else:
            out.append("%s- %s" % (pad, inline(v)))


def emit(m, flow):
    out = ["# SPDX-License-Identifier: Apache-2.0"]
    emit_map(m, 0, flow, out)
    return "\n".join(out) + "\n"


NAMES = [["pipeline.yaml"], ["board.yaml", "pipeline.yaml"],
         ["board.yaml", "devices.yaml", "pipeline.yaml"]]


def generate(seed, outdir, additions=False):
    """Writes the system of `seed` into `outdir`; returns (paths, gen)."""
    g = Gen(seed, additions)
    files = g.system()
    paths = []
    for name, m in zip(NAMES[len(files) - 1], files):
        p = os.path.join(outdir, name)
        with open(p, "w", encoding="utf-8") as fh:
            fh.write(emit(m, g.flow))
        paths.append(p)
    return paths, g


if __name__ == "__main__":
    args = sys.argv[1:]
    additions = "--additions" in args
    args = [a for a in args if a != "--additions"]
    if len(args) != 2:
        sys.exit("usage: gen.py [--additions] SEED OUTDIR")
    paths, g = generate(int(args[0]), args[1], additions)
    print(" ".join(paths))
    if g.bad:
        print("mutation:", g.bad, file=sys.stderr)
