# SPDX-License-Identifier: Apache-2.0
"""Independent reference implementation of `heapsolve check --json FILE...`.

Written from /work/shared/spec/schema.md and cli.md only (schema version 1,
with the "Additions of 2026-12": `page_size`, per-format `modifiers`
mappings, `chroma_stride`, and the heap key `capacity`), so that a
differential test can compare it with the C++ solver.  Python 3 plus
python3-yaml (Debian), nothing else.  The YAML node API (`yaml.compose`) gives
line/column marks, shows duplicate keys and tells plain scalars from quoted ones.

Readings of the spec where it leaves room are marked `READING:` below.
"""

import json
import re
import sys

import yaml

U64 = 1 << 64

# Format table: per plane (cpp, hsub, vsub).
FORMATS = {}
for _n in ["R8"]:
    FORMATS[_n] = [(1, 1, 1)]
for _n in ["RGB565", "BGR565", "YUYV", "YVYU", "UYVY", "VYUY"]:
    FORMATS[_n] = [(2, 1, 1)]
for _n in ["RGB888", "BGR888"]:
    FORMATS[_n] = [(3, 1, 1)]
for _n in ["XRGB8888", "ARGB8888", "XBGR8888", "ABGR8888", "RGBX8888",
           "RGBA8888", "XRGB2101010", "ARGB2101010"]:
    FORMATS[_n] = [(4, 1, 1)]
for _n in ["NV12", "NV21"]:
    FORMATS[_n] = [(1, 1, 1), (2, 2, 2)]
for _n in ["NV16", "NV61"]:
    FORMATS[_n] = [(1, 1, 1), (2, 2, 1)]
for _n in ["NV24", "NV42"]:
    FORMATS[_n] = [(1, 1, 1), (2, 1, 1)]
FORMATS["P010"] = [(2, 1, 1), (4, 2, 2)]
for _n in ["YUV420", "YVU420"]:
    FORMATS[_n] = [(1, 1, 1), (1, 2, 2), (1, 2, 2)]
for _n in ["YUV422", "YVU422"]:
    FORMATS[_n] = [(1, 1, 1), (1, 2, 1), (1, 2, 1)]
FORMATS["YUV444"] = [(1, 1, 1), (1, 1, 1), (1, 1, 1)]

BACKENDS = ("dma-heap", "drm-dumb", "udmabuf")
KINDS = ("codec", "render", "display", "camera", "cpu", "other")
CACHES = ("any", "cached", "uncached")
CHROMA = ("aligned", "derived")
UNITS = {"": 1, "B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30,
         "TiB": 1 << 40}
NUMBER_RE = re.compile(r"^(?:0x([0-9a-fA-F]+)|([0-9]+)(B|KiB|MiB|GiB|TiB)?)$")
MODIFIER_RE = re.compile(r"^(?:[A-Z][A-Z0-9_]*|0x[0-9a-fA-F]{1,16})$")
NULLS = ("", "~", "null", "Null", "NULL")


class TagLoader(yaml.SafeLoader):
    """Records whether a scalar carried an explicit tag (`!!int 5`)."""

    def compose_scalar_node(self, anchor):
        explicit = self.peek_event().tag not in (None, "!")
        node = super().compose_scalar_node(anchor)
        node.explicit_tag = explicit
        return node


def plain(node):
    """READING: plain means untagged too: `!!str 5` is a string, and a number
    or boolean is read from its plain text alone."""
    return node.style is None and not getattr(node, "explicit_tag", False)


class BadInput(Exception):
    """Bad input: exit 2 with `FILE:LINE:COLUMN: error: WHAT` on stderr."""

    def __init__(self, file, line, column, what):
        super().__init__("%s:%d:%d: error: %s" % (file, line, column, what))


def parse_number(text):
    """Returns the value of a number as the spec writes it, or None."""
    m = NUMBER_RE.match(text)
    if not m:
        return None
    if m.group(1) is not None:
        value = int(m.group(1), 16)
    else:
        value = int(m.group(2), 10) * UNITS[m.group(3) or ""]
    if value >= U64:
        return None
    return value


def checked(value, what, err):
    """An overflow is bad input (`err` raises), never a wrapped number."""
    if value >= U64:
        err("overflow: %s = %d is not below 2^64" % (what, value))
    return value


def align_up(x, a):
    return -(-x // a) * a


def lcm(a, b):
    from math import gcd
    return a // gcd(a, b) * b


# ---------------------------------------------------------------- intervals
def normalize(windows):
    """Windows [(base, end)] -> sorted, disjoint, with adjacent ones joined."""
    out = []
    for b, e in sorted(windows):
        if out and b <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((b, e))
    return out


def intersect(a, b):
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def contains(windows, regions):
    """True when every address of `regions` lies inside `windows`."""
    for b, e in regions:
        if not any(wb <= b and e <= we for wb, we in windows):
            return False
    return True


# ---------------------------------------------------------------- model
class Source:
    """Where rules come from: a device (name `d`) or a plane (name `d/p`)."""

    def __init__(self, name, at, is_plane):
        self.name = name
        self.at = at                  # line of the device / plane entry
        self.is_plane = is_plane
        self.address = None           # (normalized windows, at) or None
        self.contiguous = (False, at)
        self.align = {k: (1, at) for k in ("base", "stride", "height", "size")}
        self.align_written = set()
        self.max_stride = None        # (value, at)
        self.formats = None           # (list, at)
        # A device's modifiers default to [LINEAR]; a plane's add nothing.
        self.modifiers = None if is_plane else (["LINEAR"], at)
        # A per-format mapping instead of a plain list:
        # ({format: (list, at of the format's key)}, at of `modifiers`).
        self.modmap = None
        self.cache = ("any", at)
        self.chroma = ("aligned", at)

    def modifiers_for(self, fmt):
        """This source's modifier list for a buffer of `fmt`: (list, at),
        None when it brings no list, REFUSES when its mapping lacks `fmt`."""
        if self.modmap is not None:
            return self.modmap[0].get(fmt, REFUSES)
        return self.modifiers


REFUSES = "refuses"


class Device:
    def __init__(self, name, at):
        self.name = name
        self.at = at
        self.iommu = False
        self.protected = (False, at)
        self.source = Source(name, at, False)
        self.planes = {}              # name -> Source, in written order


class Heap:
    def __init__(self, name, at):
        self.name = name
        self.at = at
        self.backend = None           # (value, at)
        self.contiguous = (False, at)
        self.regions = None           # ([(base, end)] as written, at)
        self.cached = (True, at)
        self.protected = (False, at)
        # The default is page_size (see load_system); `at` the heap's line.
        self.align = None             # (value, at, where of the value)
        self.max_buffer = None        # (value, at)
        self.capacity = None          # (value, at)


class Buffer:
    def __init__(self, name, at, mark):
        self.name = name
        self.at = at
        self.mark = mark              # (file, line, column) for errors
        self.format = None
        self.width = self.height = None
        self.count = 1
        self.protected = False
        self.producer = None          # (text, mark)
        self.consumers = []           # [(text, mark)]


class System:
    def __init__(self):
        self.memory = []              # [(base, end)] as written
        self.memory_seen = False
        self.memory_at = None
        self.heaps = []
        self.devices = {}
        self.names = {}               # heap and device names -> mark text
        self.buffers = []
        self.buffer_names = {}
        self.policy = None            # {"prefer": [...], "forbid": set}
        self.policy_mark = None
        self.page_size = 4096
        self.page_size_mark = None


# ---------------------------------------------------------------- loading
class Loader:
    def __init__(self, file, system):
        self.file = file
        self.sys = system

    def err(self, node, what):
        m = node.start_mark
        raise BadInput(self.file, m.line + 1, m.column + 1, what)

    def at(self, node):
        return "%s:%d" % (self.file, node.start_mark.line + 1)

    def where(self, node):
        m = node.start_mark
        return "%s:%d:%d" % (self.file, m.line + 1, m.column + 1)

    # -- node helpers
    def is_null(self, node):
        return (isinstance(node, yaml.ScalarNode) and node.style is None
                and node.value in NULLS)

    def mapping(self, node, what, allowed, required=()):
        if self.is_null(node):
            self.err(node, "%s has no value" % what)
        if not isinstance(node, yaml.MappingNode):
            self.err(node, "%s must be a mapping" % what)
        out = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                self.err(k, "keys of %s must be plain names" % what)
            if k.value in out:
                self.err(k, "key '%s' given twice in %s (first at %s)"
                         % (k.value, what, self.where(out[k.value][0])))
            if k.value not in allowed:
                self.err(k, "unknown key '%s' in %s" % (k.value, what))
            if self.is_null(v):
                self.err(v if v.start_mark.line == k.start_mark.line else k,
                         "key '%s' has no value" % k.value)
            out[k.value] = (k, v)
        for r in required:
            if r not in out:
                self.err(node, "%s needs '%s'" % (what, r))
        return out

    def seq(self, node, what):
        if not isinstance(node, yaml.SequenceNode):
            self.err(node, "%s must be a list" % what)
        if not node.value:
            self.err(node, "%s is an empty list; leave the key out instead"
                     % what)
        return node.value

    def string(self, node, what):
        if not isinstance(node, yaml.ScalarNode):
            self.err(node, "%s must be a string" % what)
        if self.is_null(node) or node.value == "":
            self.err(node, "%s has no value" % what)
        return node.value

    def name(self, node, what):
        s = self.string(node, what)
        if "/" in s:
            self.err(node, "%s '%s' contains '/'" % (what, s))
        return s

    def number(self, node, what, positive=True):
        if not isinstance(node, yaml.ScalarNode):
            self.err(node, "%s must be a number" % what)
        if not plain(node):
            self.err(node, "%s must be a plain (unquoted, untagged) number"
                     % what)
        v = parse_number(node.value)
        if v is None:
            self.err(node, "%s: '%s' is not a number below 2^64" %
                     (what, node.value))
        if positive and v == 0:
            self.err(node, "%s must be positive" % what)
        return v

    def boolean(self, node, what):
        if (not isinstance(node, yaml.ScalarNode) or not plain(node)
                or node.value not in ("true", "false")):
            self.err(node, "%s must be true or false" % what)
        return node.value == "true"

    def enum(self, node, what, choices):
        s = self.string(node, what)
        if s not in choices:
            self.err(node, "%s '%s' is not one of %s" %
                     (what, s, ", ".join(choices)))
        return s

    def windows(self, node, what):
        out = []
        for item in self.seq(node, what):
            m = self.mapping(item, "window", ("base", "size"), ("base", "size"))
            base = self.number(m["base"][1], "base", positive=False)
            size = self.number(m["size"][1], "size")
            # READING: the window end base+size is a sum like any other; one
            # that does not fit in 64 bits is bad input.
            if base + size >= U64:
                self.err(item, "window end 0x%x+0x%x overflows 2^64"
                         % (base, size))
            out.append((base, base + size))
        return out

    def name_list(self, node, what, check=None):
        seen = {}
        out = []
        for item in self.seq(node, what):
            s = self.string(item, what)
            if check:
                check(item, s)
            if s in seen:
                self.err(item, "'%s' appears twice in %s (first at %s)"
                         % (s, what, seen[s]))
            seen[s] = self.where(item)
            out.append((s, item))
        return out

    def check_modifier(self, node, s):
        if not MODIFIER_RE.match(s) or s.startswith("DRM_FORMAT_MOD_"):
            self.err(node, "'%s' is not a modifier name or 0x value" % s)

    def define(self, table, name, node, what):
        if name in table:
            self.err(node, "%s '%s' defined twice (first at %s)"
                     % (what, name, table[name]))
        table[name] = self.where(node)

    # -- the file
    def load(self, text):
        try:
            root = yaml.compose(text, Loader=TagLoader)
        except yaml.MarkedYAMLError as e:
            m = e.problem_mark or e.context_mark
            line, col = (m.line + 1, m.column + 1) if m else (1, 1)
            raise BadInput(self.file, line, col, "YAML: %s" % (e.problem or e))
        except yaml.YAMLError as e:
            raise BadInput(self.file, 1, 1, "YAML: %s" % e)
        if root is None:
            raise BadInput(self.file, 1, 1, "empty file; 'version: 1' is required")
        top = self.mapping(root, "the file", ("version", "memory", "heaps",
                                              "devices", "buffers", "policy",
                                              "page_size"),
                           ("version",))
        if self.number(top["version"][1], "version") != 1:
            self.err(top["version"][1], "only schema version 1 is known")
        s = self.sys
        if "memory" in top:
            s.memory_seen = True
            w = self.windows(top["memory"][1], "memory")
            s.memory.extend(w)
            if s.memory_at is None:
                s.memory_at = self.at(top["memory"][0])
        if "heaps" in top:
            for h in self.seq(top["heaps"][1], "heaps"):
                self.heap(h)
        if "devices" in top:
            for d in self.seq(top["devices"][1], "devices"):
                self.device(d)
        if "buffers" in top:
            for b in self.seq(top["buffers"][1], "buffers"):
                self.buffer(b)
        if "policy" in top:
            if s.policy is not None:
                self.err(top["policy"][0], "policy given twice (first at %s)"
                         % s.policy_mark)
            s.policy_mark = self.where(top["policy"][0])
            self.policy(top["policy"][1])
        if "page_size" in top:
            # READING: like `policy`, a second `page_size` is an error at the
            # later key, even when both give the same value.
            if s.page_size_mark is not None:
                self.err(top["page_size"][0], "page_size given twice (first "
                         "at %s)" % s.page_size_mark)
            s.page_size_mark = self.where(top["page_size"][0])
            v = self.number(top["page_size"][1], "page_size")
            if v < 4096 or v & (v - 1):
                self.err(top["page_size"][1], "page_size %d is not a power "
                         "of two of at least 4096" % v)
            s.page_size = v

    def heap(self, node):
        m = self.mapping(node, "heap", ("name", "backend", "path",
                                        "contiguous", "regions", "cached",
                                        "protected", "align", "max_buffer",
                                        "capacity"),
                         ("name", "backend"))
        name = self.name(m["name"][1], "heap name")
        self.define(self.sys.names, name, m["name"][1], "name")
        h = Heap(name, self.at(node))
        h.backend = (self.enum(m["backend"][1], "backend", BACKENDS),
                     self.at(m["backend"][0]))
        if "path" in m:
            self.string(m["path"][1], "path")
        if "contiguous" in m:
            h.contiguous = (self.boolean(m["contiguous"][1], "contiguous"),
                            self.at(m["contiguous"][0]))
        if "regions" in m:
            h.regions = (self.windows(m["regions"][1], "regions"),
                         self.at(m["regions"][0]))
        if "cached" in m:
            h.cached = (self.boolean(m["cached"][1], "cached"),
                        self.at(m["cached"][0]))
        if "protected" in m:
            h.protected = (self.boolean(m["protected"][1], "protected"),
                           self.at(m["protected"][0]))
        if "align" in m:
            a = self.number(m["align"][1], "align")
            if a % 4096:
                self.err(m["align"][1], "a heap's align must be a multiple "
                         "of 4096")
            # Whether it is a multiple of page_size is checked once every
            # file is read (load_system): page_size may come later.
            h.align = (a, self.at(m["align"][0]), self.where(m["align"][1]))
        if "max_buffer" in m:
            h.max_buffer = (self.number(m["max_buffer"][1], "max_buffer"),
                            self.at(m["max_buffer"][0]))
        if "capacity" in m:
            h.capacity = (self.number(m["capacity"][1], "capacity"),
                          self.at(m["capacity"][0]))
        self.sys.heaps.append(h)

    def rules(self, src, m):
        """Keys a device and a plane share."""
        if "address" in m:
            src.address = (normalize(self.windows(m["address"][1], "address")),
                           self.at(m["address"][0]))
        if "contiguous" in m:
            src.contiguous = (self.boolean(m["contiguous"][1], "contiguous"),
                              self.at(m["contiguous"][0]))
        if "align" in m:
            am = self.mapping(m["align"][1], "align",
                              ("base", "stride", "height", "size"))
            for k, (kn, vn) in am.items():
                # READING: a value's `at` is the line of its own key.
                src.align[k] = (self.number(vn, "align " + k), self.at(kn))
                src.align_written.add(k)
        if "max_stride" in m:
            src.max_stride = (self.number(m["max_stride"][1], "max_stride"),
                              self.at(m["max_stride"][0]))
        if "formats" in m:
            src.formats = ([s for s, _ in self.name_list(m["formats"][1],
                                                          "formats")],
                           self.at(m["formats"][0]))
        if "modifiers" in m:
            kn, vn = m["modifiers"]
            if isinstance(vn, yaml.MappingNode):
                src.modmap = (self.modifier_map(vn), self.at(kn))
            else:
                src.modifiers = (self.modifier_list(vn, "modifiers"),
                                 self.at(kn))
        if "cache" in m:
            src.cache = (self.enum(m["cache"][1], "cache", CACHES),
                         self.at(m["cache"][0]))
        if "chroma_stride" in m:
            src.chroma = (self.enum(m["chroma_stride"][1], "chroma_stride",
                                    CHROMA),
                          self.at(m["chroma_stride"][0]))

    def modifier_list(self, node, what):
        if not isinstance(node, yaml.SequenceNode):
            self.err(node, "%s must be a list of modifiers or a mapping from "
                     "format to such a list" % what
                     if what == "modifiers" else "%s must be a list of "
                     "modifiers" % what)
        return [s for s, _ in self.name_list(node, what,
                                             self.check_modifier)]

    def modifier_map(self, node):
        """`modifiers` as a mapping from format name to a non-empty list.

        READING: the keys are format names like the items of `formats`
        (any non-empty string, compared as written, each at most once); an
        empty mapping `{}` is bad input like an empty list; each list's `at`
        is the line of its own format key (as for `align`, a value's `at` is
        the line of its own key)."""
        if not node.value:
            self.err(node, "modifiers is an empty mapping; leave the key out "
                     "instead")
        out = {}
        where = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode) or self.is_null(k) \
                    or k.value == "":
                self.err(k, "keys of a modifiers mapping must be format "
                         "names")
            f = k.value
            if f in out:
                self.err(k, "format '%s' given twice in modifiers (first at "
                         "%s)" % (f, where[f]))
            if self.is_null(v):
                self.err(v if v.start_mark.line == k.start_mark.line else k,
                         "modifiers for '%s' has no value" % f)
            where[f] = self.where(k)
            out[f] = (self.modifier_list(v, "modifiers for '%s'" % f),
                      self.at(k))
        return out

    def device(self, node):
        m = self.mapping(node, "device", ("name", "kind", "iommu", "address",
                                          "contiguous", "align", "max_stride",
                                          "formats", "modifiers", "cache",
                                          "protected", "planes",
                                          "chroma_stride"),
                         ("name", "kind"))
        name = self.name(m["name"][1], "device name")
        self.define(self.sys.names, name, m["name"][1], "name")
        d = Device(name, self.at(node))
        self.enum(m["kind"][1], "kind", KINDS)
        if "iommu" in m:
            d.iommu = self.boolean(m["iommu"][1], "iommu")
        if "protected" in m:
            d.protected = (self.boolean(m["protected"][1], "protected"),
                           self.at(m["protected"][0]))
        self.rules(d.source, m)
        if "planes" in m:
            seen = {}
            for p in self.seq(m["planes"][1], "planes"):
                pm = self.mapping(p, "plane", ("name", "address", "contiguous",
                                               "align", "max_stride",
                                               "formats", "modifiers",
                                               "cache", "chroma_stride"),
                                ("name",))
                pname = self.name(pm["name"][1], "plane name")
                self.define(seen, pname, pm["name"][1], "plane")
                src = Source("%s/%s" % (name, pname), self.at(p), True)
                self.rules(src, pm)
                d.planes[pname] = src
        self.sys.devices[name] = d

    def buffer(self, node):
        m = self.mapping(node, "buffer", ("name", "format", "width", "height",
                                          "count", "protected", "producer",
                                          "consumers"),
                         ("name", "format", "width", "height", "producer"))
        name = self.name(m["name"][1], "buffer name")
        self.define(self.sys.buffer_names, name, m["name"][1], "buffer")
        b = Buffer(name, self.at(node), self.where(node))
        b.format = self.string(m["format"][1], "format")
        if b.format not in FORMATS:
            self.err(m["format"][1], "format '%s' is not in the format table"
                     % b.format)
        b.width = self.number(m["width"][1], "width")
        b.height = self.number(m["height"][1], "height")
        if "count" in m:
            b.count = self.number(m["count"][1], "count")
        if "protected" in m:
            b.protected = self.boolean(m["protected"][1], "protected")
        pn = m["producer"][1]
        b.producer = (self.string(pn, "producer"), self.where(pn), pn)
        if "consumers" in m:
            for s, item in self.name_list(m["consumers"][1], "consumers"):
                if s == b.producer[0]:
                    self.err(item, "'%s' is the producer and a consumer" % s)
                b.consumers.append((s, self.where(item), item))
        b.file = self.file
        self.sys.buffers.append(b)

    def policy(self, node):
        m = self.mapping(node, "policy", ("prefer", "forbid_backends"))
        pol = {"prefer": [], "forbid": set(), "nodes": []}
        if "prefer" in m:
            pol["prefer"] = self.name_list(m["prefer"][1], "prefer")
        if "forbid_backends" in m:
            for s, item in self.name_list(m["forbid_backends"][1],
                                          "forbid_backends"):
                if s not in BACKENDS:
                    self.err(item, "unknown backend '%s'" % s)
                pol["forbid"].add(s)
        pol["file"] = self.file
        self.sys.policy = pol


def bad_at(where, what):
    f, line, col = where.rsplit(":", 2)
    raise BadInput(f, int(line), int(col), what)


def load_system(files):
    s = System()
    for f in files:
        try:
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as e:
            raise BadInput(f, 1, 1, "cannot read: %s" % e)
        Loader(f, s).load(text)
    # A heap's align: page_size when left out, else a multiple of it, checked
    # now that every file is read and reported at the heap's `align`.
    # READING: this check comes before the reference checks below, in heap
    # order; the one against 4096 stays in the loader (as before).
    for h in s.heaps:
        if h.align is None:
            h.align = (s.page_size, h.at, None)
        elif h.align[0] % s.page_size:
            bad_at(h.align[2], "heap '%s': align %d is not a multiple of "
                   "page_size %d" % (h.name, h.align[0], s.page_size))
    # References.
    heap_names = {h.name for h in s.heaps}
    for b in s.buffers:
        for text, where, _ in [b.producer] + b.consumers:
            parts = text.split("/")
            if len(parts) > 2 or parts[0] not in s.devices:
                bad_at(where, "'%s' is not a device or device/plane" % text)
            if len(parts) == 2 and parts[1] not in s.devices[parts[0]].planes:
                bad_at(where, "device '%s' has no plane '%s'"
                       % (parts[0], parts[1]))
    if s.policy:
        for name, node in s.policy["prefer"]:
            if name not in heap_names:
                m = node.start_mark
                raise BadInput(s.policy["file"], m.line + 1, m.column + 1,
                               "policy.prefer names unknown heap '%s'" % name)
    return s


# ---------------------------------------------------------------- solving
class User:
    def __init__(self, system, text):
        parts = text.split("/")
        self.text = text
        self.device = system.devices[parts[0]]
        self.iommu = self.device.iommu
        if len(parts) == 2:
            planes = [self.device.planes[parts[1]]]
        else:
            planes = list(self.device.planes.values())
        self.sources = [self.device.source] + planes
        self.planes = planes


def heap_regions(system, h):
    """(windows as written, at) or None when unknown."""
    if h.regions is not None:
        return h.regions
    if system.memory_seen:
        # READING: regions defaulted from `memory` are a default nobody wrote
        # at the heap: `at` is the heap's line.
        return (system.memory, h.at)
    return None


def heap_total(h, stats):
    """A heap's total for the order: its region total, its capacity when its
    regions are unknown, the smaller of the two when both are known; None
    (larger than any number) when neither is."""
    total = stats[0]
    if h.capacity is None:
        return total
    if total is None:
        return h.capacity[0]
    return min(total, h.capacity[0])


def derived_strides(fmt, width, a_stride):
    """The strides of `chroma_stride: derived` (schema.md, Additions of
    2026-12): stride_0 is the smallest multiple k*A of A = A_stride with
    stride_0 >= w_0*cpp_0 and, for every plane p >= 1,
    stride_p = stride_0*cpp_p / (hsub_p*cpp_0) a whole multiple of A and
    >= w_p*cpp_p.  In closed form: stride_p = A * k*cpp_p/d_p with
    d_p = hsub_p*cpp_0, a whole number exactly when k is a multiple of
    d_p / gcd(cpp_p, d_p); and stride_p >= w_p*cpp_p exactly when
    k*A >= w_p*hsub_p*cpp_0.  Exact integers (Python), so nothing wraps
    here; the caller checks each stride against 2^64."""
    from math import gcd
    cpp0 = fmt[0][0]
    k = -(-(width * cpp0) // a_stride)
    step = 1
    for cpp, hsub, _ in fmt[1:]:
        w = -(-width // hsub)
        k = max(k, -(-(w * hsub * cpp0) // a_stride))
        d = hsub * cpp0
        step = lcm(step, d // gcd(cpp, d))
    s0 = align_up(k, step) * a_stride
    return [s0] + [s0 * cpp // (hsub * cpp0) for cpp, hsub, _ in fmt[1:]]


def region_stats(system, h, err):
    r = heap_regions(system, h)
    if r is None:
        return None, None
    total = 0
    for b, e in r[0]:
        total = checked(total + (e - b), "total region size of heap '%s'"
                        % h.name, err)
    return total, max(e - b for b, e in r[0])


class Conflicts:
    def __init__(self):
        self.items = []
        self.seen = set()

    def add(self, user, rule, detail, at):
        key = (user, rule, at)
        if key not in self.seen:
            self.seen.add(key)
            self.items.append({"user": user, "rule": rule, "detail": detail,
                               "at": at})


def fmt_windows(ws):
    return " ".join("[0x%x, 0x%x)" % w for w in ws)


def solve_buffer(system, b, heap_stats):
    def err(what):
        bad_at(b.mark, "buffer '%s': %s" % (b.name, what))

    users = [User(system, b.producer[0])] + \
        [User(system, c[0]) for c in b.consumers]
    conflicts = Conflicts()

    # ---- layout (all users, IOMMU or not)
    A = {}
    for k in ("base", "stride", "height", "size"):
        v = system.page_size if k == "base" else 1
        for u in users:
            for s in u.sources:
                v = checked(lcm(v, s.align[k][0]), "alignment lcm (%s)" % k,
                            err)
        A[k] = v
    H = checked(align_up(b.height, A["height"]), "aligned height", err)
    fmt = FORMATS[b.format]
    # chroma_stride: a user says derived when its device or any plane it
    # brings does (`aligned` never overrides it); the buffer is laid out
    # derived when any user says so.  Single-plane formats are unaffected.
    # READING: any user means any, like the other layout rules: with or
    # without IOMMU, and whatever conflicts it has.
    derived = None
    if len(fmt) > 1 and any(s.chroma[0] == "derived"
                            for u in users for s in u.sources):
        for i, (cpp, hsub, _) in enumerate(fmt):
            checked(-(-b.width // hsub) * cpp, "row bytes", err)
        # READING: the overflow check covers the layout's numbers (row
        # bytes, each stride, plane sizes, offsets, ends, size), not the
        # intermediate product stride_0*cpp_p of the formula: the strides
        # are computed exactly.  (They differ only for P010 with
        # 2^62 <= stride_0 < 2^63 and a layout that still fits.)
        derived = [checked(x, "stride", err)
                   for x in derived_strides(fmt, b.width, A["stride"])]
    planes = []
    offset = 0
    end = 0
    for i, (cpp, hsub, vsub) in enumerate(fmt):
        if i:
            offset = checked(align_up(end, A["base"]), "plane offset", err)
        w = -(-b.width // hsub)
        h = -(-H // vsub)
        if derived:
            stride = derived[i]
        else:
            stride = checked(align_up(checked(w * cpp, "row bytes", err),
                                      A["stride"]), "stride", err)
        end = checked(offset + checked(stride * h, "plane size", err),
                      "plane end", err)
        planes.append({"offset": offset, "stride": stride})
    size = checked(align_up(end, checked(lcm(A["base"], A["size"]),
                                         "size alignment", err)), "size", err)
    total_size = checked(b.count * size, "count x size", err)

    # ---- rules between users
    # Address: per user, its device's and planes' windows must meet (plane).
    windowed = []                 # non-IOMMU users whose windows meet
    for u in users:
        if u.iommu:
            continue
        srcs = [s for s in u.sources if s.address is not None]
        if not srcs:
            continue
        w = srcs[0].address[0]
        for s in srcs[1:]:
            w = intersect(w, s.address[0])
        if not w:
            for s in srcs:
                conflicts.add(s.name, "plane", "windows %s of %s do not meet "
                              "the other windows of user %s" %
                              (fmt_windows(s.address[0]), s.name, u.text),
                              s.address[1])
        else:
            windowed.append((u, srcs, w))
    W = None
    if windowed:
        W = windowed[0][2]
        for _, _, w in windowed[1:]:
            W = intersect(W, w)
        if not W:
            for u, srcs, _ in windowed:
                for s in srcs:
                    conflicts.add(s.name, "address", "needs %s" %
                                  fmt_windows(s.address[0]), s.address[1])
    # READING: the heaps face "the intersected address windows", the merge rule's
    # intersection over every user without IOMMU: a user with a plane
    # conflict (empty windows) is left out only of the check between users
    # above, not of this one, so then no heap with known regions fits.
    windowed_srcs = []
    heap_W = None
    for u in users:
        if u.iommu:
            continue
        for s in u.sources:
            if s.address is not None:
                heap_W = s.address[0] if heap_W is None else \
                    intersect(heap_W, s.address[0])
                if s not in windowed_srcs:
                    windowed_srcs.append(s)

    all_sources = []
    seen = set()
    for u in users:
        for s in u.sources:
            if id(s) not in seen:
                seen.add(id(s))
                all_sources.append((u, s))

    # Format: a `formats` list without the format, and a per-format
    # `modifiers` mapping without it, each give a conflict where written.
    for _, s in all_sources:
        if s.formats is not None and b.format not in s.formats[0]:
            conflicts.add(s.name, "format", "accepts %s, not %s" %
                          (", ".join(s.formats[0]), b.format), s.formats[1])
        if s.modifiers_for(b.format) is REFUSES:
            conflicts.add(s.name, "format", "modifiers are given for %s, "
                          "not %s" % (", ".join(s.modmap[0]), b.format),
                          s.modmap[1])

    # Modifier: intersection of every list that is brought, among the users
    # that take part: a user any of whose sources (its device or a plane it
    # brings) has a mapping without the format takes no part; a user refused
    # only by a `formats` list still does.
    # READING: a device or plane takes part when at least one user that takes
    # part brings it (`disp/layer0` can take part while `disp`, which also
    # brings a refusing layer1, does not; disp's own list then counts, once).
    # A modifier conflict names every list taking part, at the line of that
    # list (for a mapping, the line of the buffer's format key in it).
    mod_sources = []
    producer_takes_part = True
    for u in users:
        lists = [s.modifiers_for(b.format) for s in u.sources]
        if any(x is REFUSES for x in lists):
            producer_takes_part = producer_takes_part and u is not users[0]
            continue
        for s, x in zip(u.sources, lists):
            if x is not None and all(s is not t for t, _ in mod_sources):
                mod_sources.append((s, x))
    accepted = None
    for _, (ms, _) in mod_sources:
        accepted = set(ms) if accepted is None else accepted & set(ms)
    modifier = None
    if accepted and "LINEAR" in accepted:
        modifier = "LINEAR"
    elif accepted and producer_takes_part:
        # The producer's device list in its order (a producer that takes no
        # part has a format conflict: then no modifier is reported anyway).
        for m in users[0].device.source.modifiers_for(b.format)[0]:
            if m in accepted:
                modifier = m
                break
    if accepted is not None and not accepted:
        # When no user is left to take part, there is no modifier conflict.
        for s, (ms, at) in mod_sources:
            conflicts.add(s.name, "modifier", "accepts %s" % ", ".join(ms),
                          at)

    # Cache.
    cached = [s for _, s in all_sources if s.cache[0] == "cached"]
    uncached = [s for _, s in all_sources if s.cache[0] == "uncached"]
    if cached and uncached:
        for s in cached + uncached:
            conflicts.add(s.name, "cache", "needs %s" % s.cache[0], s.cache[1])

    # Protected: every user's device must be able to access it.
    if b.protected:
        for u in users:
            if not u.device.protected[0]:
                conflicts.add(u.device.name, "protected",
                              "cannot access protected memory",
                              u.device.protected[1])

    # Stride.
    max_stride = max(p["stride"] for p in planes)
    for _, s in all_sources:
        if s.max_stride is not None and max_stride > s.max_stride[0]:
            conflicts.add(s.name, "stride", "max_stride %d < stride %d" %
                          (s.max_stride[0], max_stride), s.max_stride[1])

    # ---- heaps
    phys = [(u, s) for u, s in all_sources if not u.iommu]
    contig_srcs = [s for _, s in phys if s.contiguous[0]]
    base_L = system.page_size
    for _, s in phys:
        base_L = lcm(base_L, s.align["base"][0])
    forbid = system.policy["forbid"] if system.policy else set()

    eligible = []
    heap_conflicts = Conflicts()
    for h in system.heaps:
        fails = []                # (rule, detail, at, [imposing sources])
        if h.backend[0] in forbid:
            fails.append(("backend", "backend %s is forbidden" % h.backend[0],
                          h.backend[1], []))
        if contig_srcs and not h.contiguous[0]:
            fails.append(("contiguous", "not contiguous", h.contiguous[1],
                          [(s, "needs contiguous", s.contiguous[1])
                           for s in contig_srcs]))
        regions = heap_regions(system, h)
        if heap_W is not None:
            ok = regions is not None and \
                contains(heap_W, normalize(regions[0]))
            if not ok:
                # READING: the users that imposed it: as for address between users
                # ("every user that brings windows"), every user whose
                # windows make up the intersection.
                fails.append(("address", "heap regions %s" %
                              (fmt_windows(regions[0]) if regions
                               else "unknown"),
                              regions[1] if regions else h.at,
                              [(s, "needs %s" % fmt_windows(s.address[0]),
                                s.address[1]) for s in windowed_srcs]))
        if h.cached[0] and uncached:
            fails.append(("cache", "cached", h.cached[1],
                          [(s, "needs uncached", s.cache[1])
                           for s in uncached]))
        if not h.cached[0] and cached:
            fails.append(("cache", "uncached", h.cached[1],
                          [(s, "needs cached", s.cache[1]) for s in cached]))
        if h.protected[0] != b.protected:
            fails.append(("protected", "heap protected: %s, buffer "
                          "protected: %s" % (h.protected[0], b.protected),
                          h.protected[1], []))
        if h.align[0] % base_L:
            fails.append(("align", "heap align %d" % h.align[0], h.align[1],
                          [(s, "base alignment %d" % s.align["base"][0],
                            s.align["base"][1]) for _, s in phys
                           if h.align[0] % s.align["base"][0]]))
        total, largest = heap_stats[h.name]
        if h.max_buffer is not None and size > h.max_buffer[0]:
            fails.append(("size", "size %d > max_buffer %d" %
                          (size, h.max_buffer[0]), h.max_buffer[1], []))
        if regions is not None and h.contiguous[0] and size > largest:
            fails.append(("size", "size %d > largest region %d" %
                          (size, largest), regions[1], []))
        if regions is not None and total_size > total:
            fails.append(("size", "count x size %d > regions total %d" %
                          (total_size, total), regions[1], []))
        # READING: capacity's own conflict (the heap alone, at `capacity`),
        # beside the regions-total one when both fail.
        if h.capacity is not None and total_size > h.capacity[0]:
            fails.append(("size", "count x size %d > capacity %d" %
                          (total_size, h.capacity[0]), h.capacity[1], []))
        if not fails:
            eligible.append(h)
        for rule, detail, at, imposing in fails:
            heap_conflicts.add(h.name, rule, detail, at)
            for s, d, sat in imposing:
                heap_conflicts.add(s.name, rule, d, sat)

    if not eligible:
        for c in heap_conflicts.items:
            conflicts.add(c["user"], c["rule"], c["detail"], c["at"])
    if conflicts.items or not eligible:
        # READING: with no heap at all there is nothing to cite: the list of
        # conflicts may be empty.
        return {"name": b.name, "ok": False, "conflicts": conflicts.items}

    # ---- order
    prefer = [n for n, _ in system.policy["prefer"]] if system.policy else []

    def key(h):
        total = heap_total(h, heap_stats[h.name])
        return (prefer.index(h.name) if h.name in prefer else len(prefer),
                1 if h.contiguous[0] else 0,
                0 if total is None else 1, -(total or 0),
                h.name.encode("utf-8"))
    heap = sorted(eligible, key=key)[0]
    return {"name": b.name, "ok": True, "heap": heap.name,
            "backend": heap.backend[0], "format": b.format,
            "modifier": modifier, "width": b.width, "height": b.height,
            "count": b.count, "size": size, "planes": planes}


def check(files):
    """Returns (exit status, stdout text, stderr text)."""
    if not files:
        return 2, "", "heapsolve: error: check needs at least one FILE\n"
    try:
        system = load_system(files)
        heap_stats = {}
        for h in system.heaps:
            def err(what, h=h):
                f, line = h.at.rsplit(":", 1)
                raise BadInput(f, int(line), 1, what)
            heap_stats[h.name] = region_stats(system, h, err)
        results = [solve_buffer(system, b, heap_stats) for b in system.buffers]
    except BadInput as e:
        return 2, "", str(e) + "\n"
    out = json.dumps({"buffers": results}) + "\n"
    return (0 if all(r["ok"] for r in results) else 1), out, ""


def main(argv):
    args = argv[1:]
    if len(args) < 2 or args[0] != "check" or args[1] != "--json":
        sys.stderr.write("usage: reference.py check --json FILE...\n")
        return 2
    rc, out, err = check(args[2:])
    sys.stdout.write(out)
    sys.stderr.write(err)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
