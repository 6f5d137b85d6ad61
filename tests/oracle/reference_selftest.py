# SPDX-License-Identifier: Apache-2.0
"""Hand-computed cases from the spec, checked against reference.py.

If the reference is wrong, the differential test proves nothing; these cases
pin it to numbers worked out by hand from schema.md and cli.md.
Run: python3 reference_selftest.py
"""

import json
import os
import shutil
import sys
import tempfile
import textwrap
import unittest

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference    # noqa: E402

HEADER = "# SPDX-License-Identifier: Apache-2.0\nversion: 1\n"


class Case(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="refselftest-")
        self.old = os.getcwd()
        os.chdir(self.dir)

    def tearDown(self):
        os.chdir(self.old)
        shutil.rmtree(self.dir)

    def check(self, *texts, names=None):
        names = names or ["f%d.yaml" % i for i in range(len(texts))]
        for n, t in zip(names, texts):
            with open(n, "w") as fh:
                fh.write(HEADER + textwrap.dedent(t))
        return reference.check(names)

    def solved(self, *texts, **kw):
        rc, out, err = self.check(*texts, **kw)
        self.assertEqual((rc, err), (0, ""), out)
        return json.loads(out)["buffers"]

    def failed(self, *texts):
        rc, out, err = self.check(*texts)
        self.assertEqual((rc, err), (1, ""), out)
        return json.loads(out)["buffers"]

    def bad(self, *texts):
        rc, out, err = self.check(*texts)
        self.assertEqual(rc, 2, out)
        self.assertEqual(out, "")
        self.assertRegex(err, r"^f\d\.yaml:\d+:\d+: error: ")
        return err


def conflicts(buf):
    return {(c["user"], c["rule"], c["at"]) for c in buf["conflicts"]}


class Layout(Case):
    def test_cli_md_nv12_example(self):
        b = self.solved("""\
            heaps:
              - name: ve-pool
                backend: dma-heap
                align: 8KiB
            devices:
              - name: cedrus
                kind: codec
                align: {base: 8KiB, height: 16}
            buffers:
              - name: decoded
                format: NV12
                width: 1920
                height: 1080
                count: 4
                producer: cedrus
            """)
        self.assertEqual(b, [{
            "name": "decoded", "ok": True, "heap": "ve-pool",
            "backend": "dma-heap", "format": "NV12", "modifier": "LINEAR",
            "width": 1920, "height": 1080, "count": 4, "size": 3137536,
            "planes": [{"offset": 0, "stride": 1920},
                       {"offset": 2088960, "stride": 1920}]}])
        # Field order as cli.md shows it.
        self.assertEqual(list(b[0].keys()), [
            "name", "ok", "heap", "backend", "format", "modifier", "width",
            "height", "count", "size", "planes"])

    def test_odd_yuv420_rounds_up_and_pages(self):
        # H = 3; plane 0: 3x3 -> 9 bytes; plane 1 at 4096: ceil(3/2)=2 wide,
        # 2 high; plane 2 at 8192; size align_up(8196, 4096) = 12288.
        b = self.solved("""\
            heaps: [{name: system, backend: dma-heap}]
            devices: [{name: cpu, kind: cpu}]
            buffers:
              - {name: b, format: YUV420, width: 3, height: 3, producer: cpu}
            """)[0]
        self.assertEqual(b["planes"], [{"offset": 0, "stride": 3},
                                       {"offset": 4096, "stride": 2},
                                       {"offset": 8192, "stride": 2}])
        self.assertEqual(b["size"], 12288)

    def test_stride_height_size_alignment(self):
        # P010 100x7, A_stride 64, A_height 4, A_size 10000 (lcm with 4096
        # = 2560000). H = 8; plane 0: 200 -> 256 x 8 = 2048; plane 1 at 4096:
        # 50*4 = 200 -> 256 x 4 = 1024, end 5120; size 2560000.
        b = self.solved("""\
            heaps: [{name: system, backend: dma-heap}]
            devices:
              - {name: a, kind: other, align: {stride: 64, height: 4}}
              - {name: c, kind: other, iommu: true, align: {size: 10000}}
            buffers:
              - {name: b, format: P010, width: 100, height: 7, producer: a,
                 consumers: [c]}
            """)[0]
        self.assertEqual(b["planes"], [{"offset": 0, "stride": 256},
                                       {"offset": 4096, "stride": 256}])
        self.assertEqual(b["size"], 2560000)

    def test_overflow_is_bad_input(self):
        self.bad("""\
            heaps: [{name: system, backend: dma-heap}]
            devices: [{name: cpu, kind: cpu}]
            buffers:
              - {name: b, format: XRGB8888, width: 0x100000000,
                 height: 0x100000000, producer: cpu}
            """)
        # count x size overflows even though the buffer itself fits.
        self.bad("""\
            heaps: [{name: system, backend: dma-heap}]
            devices: [{name: cpu, kind: cpu}]
            buffers:
              - {name: b, format: R8, width: 1, height: 1, producer: cpu,
                 count: 0x10000000000000}
            """)


class Rules(Case):
    def test_address_conflict_between_users(self):
        b = self.failed("""\
            heaps: [{name: system, backend: dma-heap}]
            devices:
              - name: rga
                kind: other
                address: [{base: 0, size: 4GiB}]
              - name: vpu
                kind: codec
                address: [{base: 4GiB, size: 4GiB}]
              - name: gpu
                kind: render
                iommu: true
                address: [{base: 8GiB, size: 4GiB}]
            buffers:
              - {name: b, format: R8, width: 1, height: 1, producer: rga,
                 consumers: [vpu, gpu]}
            """)[0]
        self.assertFalse(b["ok"])
        # gpu has an IOMMU: its window does not count.  The unknown-region
        # heap lies inside no finite window.
        self.assertEqual(conflicts(b), {
            ("rga", "address", "f0.yaml:7"), ("vpu", "address", "f0.yaml:10"),
            ("system", "address", "f0.yaml:3")})

    def test_iommu_exempts_address_and_contiguity_only(self):
        b = self.failed("""\
            heaps:
              - {name: cma, backend: dma-heap, contiguous: true,
                 regions: [{base: 0x40000000, size: 256MiB}]}
            devices:
              - name: gpu
                kind: render
                iommu: true
                contiguous: false
                address: [{base: 8GiB, size: 4GiB}]
                align: {base: 8KiB}
                cache: uncached
            buffers:
              - {name: b, format: R8, width: 1, height: 1, producer: gpu}
            """)[0]
        # The heap align check ignores IOMMU users but the cache rule does not.
        self.assertEqual(conflicts(b), {("cma", "cache", "f0.yaml:4"),
                                        ("gpu", "cache", "f0.yaml:13")})

    def test_plane_conflict_then_others_among_themselves(self):
        text = """\
            heaps:
              - {name: vram, backend: dma-heap,
                 regions: [{base: 0x7f000000, size: 16MiB}]}
            devices:
              - name: disp
                kind: display
                planes:
                  - name: layer0
                    address: [{base: 0x7f000000, size: 16MiB}]
                  - name: layer1
                    address: [{base: 0x40000000, size: 16MiB}]
              - name: vpu
                kind: codec
                address: [{base: 0x7f000000, size: 1MiB}]
            buffers:
              - {name: b, format: R8, width: 1, height: 1, producer: vpu,
                 consumers: [%s]}
            """
        b = self.failed(text % "disp")[0]
        # The planes of disp do not meet: a plane conflict; vpu alone then
        # meets nobody (no address conflict between users).  The heap still
        # faces the intersection over every user without IOMMU (empty), and
        # every user that brings windows is named with it.
        self.assertEqual(conflicts(b), {
            ("disp/layer0", "plane", "f0.yaml:11"),
            ("disp/layer1", "plane", "f0.yaml:13"),
            ("vram", "address", "f0.yaml:5"),
            ("disp/layer0", "address", "f0.yaml:11"),
            ("disp/layer1", "address", "f0.yaml:13"),
            ("vpu", "address", "f0.yaml:16")})
        self.tearDown()
        self.setUp()
        b = self.failed(text % "disp/layer0")[0]
        # The 16 MiB region is not inside vpu's 1 MiB window; layer0's
        # window holds it, yet layer0 brings windows too.
        self.assertEqual(conflicts(b), {("vram", "address", "f0.yaml:5"),
                                        ("disp/layer0", "address",
                                         "f0.yaml:11"),
                                        ("vpu", "address", "f0.yaml:16")})

    def test_plane_rules_named_as_device_slash_plane(self):
        b = self.failed("""\
            heaps: [{name: system, backend: dma-heap}]
            devices:
              - name: disp
                kind: display
                formats: [NV12, XRGB8888]
                planes:
                  - {name: primary, formats: [XRGB8888]}
                  - {name: overlay, formats: [NV12]}
              - {name: vpu, kind: codec}
            buffers:
              - {name: b, format: NV12, width: 2, height: 2, producer: vpu,
                 consumers: [disp]}
            """)[0]
        self.assertEqual(conflicts(b), {("disp/primary", "format", "f0.yaml:9")})

    def test_modifier_choice(self):
        b = self.solved("""\
            heaps: [{name: system, backend: dma-heap}]
            devices:
              - {name: vpu, kind: codec, modifiers: [ALLWINNER_TILED, LINEAR]}
              - {name: disp, kind: display, modifiers: [LINEAR]}
              - {name: gpu, kind: render, modifiers: [0x0, ALLWINNER_TILED]}
            buffers:
              - {name: a, format: R8, width: 1, height: 1, producer: vpu,
                 consumers: [disp]}
              - {name: b, format: R8, width: 1, height: 1, producer: vpu,
                 consumers: [gpu]}
            """)
        self.assertEqual([x["modifier"] for x in b], ["LINEAR",
                                                      "ALLWINNER_TILED"])

    def test_modifier_conflict_cites_default(self):
        b = self.failed("""\
            heaps: [{name: system, backend: dma-heap}]
            devices:
              - {name: vpu, kind: codec, modifiers: [ALLWINNER_TILED]}
              - name: disp
                kind: display
            buffers:
              - {name: a, format: R8, width: 1, height: 1, producer: vpu,
                 consumers: [disp]}
            """)[0]
        self.assertEqual(conflicts(b), {("vpu", "modifier", "f0.yaml:5"),
                                        ("disp", "modifier", "f0.yaml:6")})

    def test_heap_order(self):
        heaps = """\
            memory: [{base: 0, size: 1GiB}]
            heaps:
              - {name: zz, backend: dma-heap, regions: [{base: 0, size: 8MiB}]}
              - {name: aa, backend: dma-heap, regions: [{base: 0, size: 8MiB}]}
              - {name: big, backend: udmabuf, regions: [{base: 0, size: 64MiB}]}
              - {name: cma, backend: dma-heap, contiguous: true}
              - {name: mem, backend: dma-heap}
            devices: [{name: cpu, kind: cpu}]
            buffers:
              - {name: b, format: R8, width: 1, height: 1, producer: cpu}
            """
        self.assertEqual(self.solved(heaps)[0]["heap"], "mem")
        self.assertEqual(self.solved(heaps, "policy: {prefer: [cma, aa]}\n")
                         [0]["heap"], "cma")
        self.assertEqual(self.solved(heaps, "policy: {forbid_backends: "
                                     "[dma-heap]}\n")[0]["heap"], "big")
        two = heaps.replace("{name: mem, backend: dma-heap}",
                            "{name: mem, backend: drm-dumb}")
        self.assertEqual(self.solved(two, "policy: {forbid_backends: "
                                     "[drm-dumb, udmabuf]}\n")[0]["heap"],
                         "aa")

    def test_unknown_regions_sort_first(self):
        b = self.solved("""\
            heaps:
              - {name: a, backend: dma-heap, regions: [{base: 0, size: 8GiB}]}
              - {name: b, backend: dma-heap}
            devices: [{name: cpu, kind: cpu}]
            buffers:
              - {name: b, format: R8, width: 1, height: 1, producer: cpu}
            """)
        self.assertEqual(b[0]["heap"], "b")

    def test_size_and_protected_are_the_heap_alone(self):
        b = self.failed("""\
            heaps:
              - name: small
                backend: dma-heap
                max_buffer: 4KiB
              - name: secure
                backend: dma-heap
                protected: true
            devices: [{name: cpu, kind: cpu}]
            buffers:
              - {name: b, format: R8, width: 4097, height: 1, producer: cpu}
            """)[0]
        self.assertEqual(conflicts(b), {("small", "size", "f0.yaml:6"),
                                        ("secure", "protected", "f0.yaml:9")})


class NoHeap(Case):
    def test_no_heap_is_unsatisfiable_with_nothing_to_cite(self):
        b = self.failed("""\
            devices: [{name: cpu, kind: cpu}]
            buffers:
              - {name: b, format: R8, width: 1, height: 1, producer: cpu}
            """)[0]
        self.assertEqual(b, {"name": "b", "ok": False, "conflicts": []})


class Numbers(Case):
    def test_parse_number(self):
        for text, value in [("4KiB", 4096), ("0x10", 16), ("010", 10),
                            ("0", 0), ("7B", 7), ("2GiB", 1 << 31),
                            ("1TiB", 1 << 40), ("0xffffffffffffffff",
                                                (1 << 64) - 1),
                            ("18446744073709551615", (1 << 64) - 1),
                            ("0xABCdef", 0xabcdef)]:
            self.assertEqual(reference.parse_number(text), value, text)
        for text in ["-1", "1.5", "1 KiB", "0x", "0x1KiB", "1kib", "1_000",
                     "+1", "0X10", "1e3", "", "0x10000000000000000",
                     "18446744073709551616", "16777216TiB", "1KB", "KiB"]:
            self.assertIsNone(reference.parse_number(text), text)

    def test_quoted_number_and_bool_rejected(self):
        for value in ['"5"', "'5'", "-1", "1.5", "1 KiB", "0x", "0x1KiB",
                      "18446744073709551616", "0", "!!int 5", "!!str 5"]:
            self.bad("""\
                heaps: [{name: system, backend: dma-heap}]
                devices: [{name: cpu, kind: cpu}]
                buffers:
                  - {name: b, format: R8, width: %s, height: 1, producer: cpu}
                """ % value)
            self.tearDown()
            self.setUp()
        for value in ['"true"', "yes", "True", "1", "!!bool true",
                      "!!str true"]:
            self.bad("heaps: [{name: s, backend: dma-heap, cached: %s}]\n"
                     % value)
            self.tearDown()
            self.setUp()

    def test_window_base_may_be_zero_and_leading_zeros(self):
        b = self.solved("""\
            heaps: [{name: s, backend: dma-heap,
                     regions: [{base: 0, size: 010KiB}]}]
            devices: [{name: cpu, kind: cpu}]
            buffers:
              - {name: b, format: R8, width: 010, height: 1, producer: cpu,
                 count: 2}
            """)[0]
        self.assertEqual((b["width"], b["size"]), (10, 4096))


class Rejections(Case):
    def test_each(self):
        dev = "devices: [{name: cpu, kind: cpu}]\n"
        heap = "heaps: [{name: s, backend: dma-heap}]\n"
        buf = ("buffers: [{name: b, format: R8, width: 1, height: 1, "
               "producer: cpu%s}]\n")
        cases = [
            heap + dev + buf % ", colour: red",              # unknown key
            heap + dev + buf % ", width: 2",                 # key twice
            heap + dev + buf % ", consumers: []",            # empty list
            heap + dev + buf % ", consumers: [cpu]",         # producer too
            heap + dev + buf % ", consumers:",               # no value
            heap + dev + buf.replace("cpu", "gpu"),          # unknown user
            heap + dev + buf.replace("R8", "MT21"),          # format table
            heap + dev + buf.replace("cpu", "cpu/layer0"),   # no such plane
            heap + "devices: [{name: s, kind: cpu}]\n",       # shared names
            "heaps: [{name: a/b, backend: dma-heap}]\n",     # slash
            "heaps: [{name: s, backend: ion}]\n",
            "heaps: [{name: s, backend: dma-heap, align: 6KiB}]\n",
            "heaps: [{name: s}]\n",                          # backend needed
            "devices: [{name: d, kind: cpu, modifiers: [linear]}]\n",
            "devices: [{name: d, kind: cpu, modifiers: "
            "[DRM_FORMAT_MOD_LINEAR]}]\n",
            "devices: [{name: d, kind: cpu, modifiers: "
            "[0x00000000000000001]}]\n",
            "devices: [{name: d, kind: cpu, formats: [NV12, NV12]}]\n",
            "devices: [{name: d, kind: toaster}]\n",
            "policy: {forbid_backends: [ion]}\n",
            heap + "policy: {prefer: [t]}\n",
            "memory: [{base: 0xfffffffffffff000, size: 8KiB}]\n",
        ]
        for text in cases:
            self.bad(text)
            self.tearDown()
            self.setUp()
        # version in every file; policy in one file only.
        with open("a.yaml", "w") as fh:
            fh.write("heaps: [{name: s, backend: dma-heap}]\n")
        self.assertEqual(reference.check(["a.yaml"])[0], 2)
        rc, out, err = self.check("policy: {prefer: [s]}\n" + heap,
                                  "policy: {prefer: [s]}\n")
        self.assertEqual((rc, out), (2, ""))
        self.assertTrue(err.startswith("f1.yaml:3:1: error: "), err)



# ------------------------------------------------ Additions of 2026-12
# Line numbers: every file starts with two header lines (SPDX, version), so
# the first line of a test's text is line 3.

class PageSize(Case):
    SYSTEM = """\
        heaps: [{name: sys, backend: dma-heap}]
        devices:
          - {name: vpu, kind: codec, align: {base: 8KiB, height: 16}}
        buffers:
          - {name: decoded, format: NV12, width: 1920, height: 1080,
             count: 4, producer: vpu}
        """

    def test_16k_page_nv12_plan(self):
        # page_size 16384: A_base = lcm(16384, 8192) = 16384; H =
        # align_up(1080, 16) = 1088.  Plane 0: stride 1920, 1920 x 1088 =
        # 2088960 = 127.5 x 16384, so plane 1 starts at 128 x 16384 =
        # 2097152.  Plane 1: ceil(1920/2) = 960 samples x 2 bytes = stride
        # 1920, 1088/2 = 544 rows, 1044480 bytes, end 3141632 = 191.75 x
        # 16384; size = 192 x 16384 = 3145728.  The heap's align defaults
        # to 16384, a multiple of lcm(16384, 8192): eligible.
        b = self.solved("page_size: 16KiB\n" + textwrap.dedent(self.SYSTEM))
        self.assertEqual(b[0]["planes"], [{"offset": 0, "stride": 1920},
                                          {"offset": 2097152, "stride": 1920}])
        self.assertEqual((b[0]["size"], b[0]["heap"]), (3145728, "sys"))

    def test_4k_page_same_system(self):
        # Without page_size (4096): A_base = 8192; plane 1 at
        # align_up(2088960, 8192) = 255 x 8192 = 2088960; end 2088960 +
        # 1044480 = 3133440 = 382.5 x 8192, size 383 x 8192 = 3137536 (the
        # cli.md figure).  The heap's default align is then 4096, not a
        # multiple of lcm(4096, 8192): the align rule fails at the heap's
        # line (3) and at vpu's base alignment (line 5).
        b = self.failed(self.SYSTEM)[0]
        self.assertEqual(conflicts(b), {("sys", "align", "f0.yaml:3"),
                                        ("vpu", "align", "f0.yaml:5")})
        b = self.solved(self.SYSTEM.replace(
            "{name: sys, backend: dma-heap}",
            "{name: sys, backend: dma-heap, align: 8KiB}"))[0]
        self.assertEqual((b["size"], b["planes"][1]["offset"]),
                         (3137536, 2088960))

    def test_explicit_4096_is_the_default(self):
        b = self.solved("page_size: 4096\n" + textwrap.dedent(
            self.SYSTEM.replace("{name: sys, backend: dma-heap}",
                                "{name: sys, backend: dma-heap, "
                                "align: 8KiB}")))
        self.assertEqual(b[0]["size"], 3137536)

    def test_page_size_from_a_later_file(self):
        # The board file's heap has align 32KiB (a multiple of 16 KiB) and
        # is the only heap; page_size comes from the pipeline file.  64 KiB
        # pages: A_base 65536; R8 1x1 is one page of 65536 bytes, and the
        # heap's 32 KiB align is then not a multiple of 65536: bad input at
        # the heap's align (f0 line 3, column 45), not at page_size.
        board = "heaps: [{name: s, backend: dma-heap, align: 32KiB}]\n"
        pipe = ("page_size: %s\n"
                "devices: [{name: cpu, kind: cpu}]\n"
                "buffers: [{name: b, format: R8, width: 1, height: 1, "
                "producer: cpu}]\n")
        rc, out, err = self.check(board, pipe % "16KiB")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["buffers"][0]["size"], 16384)
        rc, out, err = self.check(board, pipe % "0x10000")
        self.assertEqual((rc, out), (2, ""))
        self.assertTrue(err.startswith("f0.yaml:3:45: error: "), err)

    def test_default_heap_align_follows_page_size(self):
        # A device with base alignment 64 KiB and no IOMMU: the heap with
        # no align has 16384 under 16 KiB pages, not a multiple of 65536;
        # the one with align 64KiB is eligible.  R8 1x1: A_base = 65536,
        # size 65536.
        b = self.solved("""\
            page_size: 16KiB
            heaps:
              - {name: a, backend: dma-heap}
              - {name: b, backend: dma-heap, align: 64KiB}
            devices: [{name: d, kind: other, align: {base: 64KiB}}]
            buffers:
              - {name: x, format: R8, width: 1, height: 1, producer: d}
            """)[0]
        self.assertEqual((b["heap"], b["size"]), ("b", 65536))

    def test_bad_page_sizes(self):
        buf = ("heaps: [{name: s, backend: dma-heap}]\n"
               "devices: [{name: cpu, kind: cpu}]\n"
               "buffers: [{name: b, format: R8, width: 1, height: 1, "
               "producer: cpu}]\n")
        for value in ["2048", "12KiB", "0", "1", '"16KiB"', "16 KiB", "-4096",
                      "[16KiB]", "", "0x3000", "6144", "!!int 16384",
                      "0x10000000000000000"]:
            err = self.bad("page_size: %s\n" % value + buf)
            # Reported at the value (or at the key for a missing value).
            self.assertTrue(err.startswith("f0.yaml:3:"), (value, err))
            self.tearDown()
            self.setUp()
        # Powers of two from 4096 up are fine, in any spelling.
        for value in ["4096", "8KiB", "0x4000", "64KiB", "2MiB"]:
            self.solved("page_size: %s\n" % value + buf)
            self.tearDown()
            self.setUp()
        # In one file only, even with the same value: at the second.
        rc, out, err = self.check("page_size: 16KiB\n" + buf,
                                  "page_size: 16KiB\n")
        self.assertEqual((rc, out), (2, ""))
        self.assertTrue(err.startswith("f1.yaml:3:1: error: "), err)
        # A heap align of 8KiB is fine with 4 KiB pages, not with 16 KiB.
        self.bad("page_size: 16KiB\n" + buf.replace(
            "backend: dma-heap", "backend: dma-heap, align: 8KiB"))


class ModifierMaps(Case):
    VC4 = """\
        heaps: [{name: cma, backend: dma-heap}]
        devices:
          - name: hevc
            kind: codec
            modifiers: [BROADCOM_SAND128]
          - name: gpu
            kind: render
            modifiers: [BROADCOM_UIF]
          - name: hvs
            kind: display
            modifiers:
              NV12: [BROADCOM_SAND128, LINEAR]
              XRGB8888: [BROADCOM_UIF, LINEAR]
            planes:
              - name: primary
                modifiers: {XRGB8888: [BROADCOM_UIF, LINEAR]}
              - name: overlay
                modifiers:
                  NV12: [BROADCOM_SAND128, LINEAR]
                  XRGB8888: [LINEAR]
        buffers:
          - {name: video, format: NV12, width: 64, height: 64,
             producer: hevc, consumers: [hvs/overlay]}
          - {name: any-plane, format: NV12, width: 64, height: 64,
             producer: hevc, consumers: [hvs]}
          - {name: yuv, format: YUV420, width: 64, height: 64,
             producer: hevc, consumers: [hvs/overlay]}
          - {name: ui, format: XRGB8888, width: 64, height: 64,
             producer: gpu, consumers: [hvs/primary]}
          - {name: ui-overlay, format: XRGB8888, width: 64, height: 64,
             producer: gpu, consumers: [hvs/overlay]}
        """
    # Lines: hevc modifiers 7, gpu modifiers 10, hvs `modifiers:` 13, its
    # NV12 14, XRGB8888 15; primary's mapping 18; overlay `modifiers:` 20,
    # its NV12 21, XRGB8888 22.

    def test_sand128_only_for_nv12(self):
        video, anyp, yuv, ui, uio = self.failed(self.VC4)
        # video (NV12 -> hvs/overlay): hevc {SAND128} n hvs NV12 {SAND128,
        # LINEAR} n overlay NV12 {SAND128, LINEAR} = {SAND128}; not LINEAR,
        # so the first of the producer's list that all accept: SAND128.
        # Layout NV12 64x64: stride 64, plane 0 4096 bytes; plane 1 at
        # 4096, 32 x 2 = 64 bytes x 32 rows = 2048, end 6144, size 8192.
        self.assertEqual(video, {
            "name": "video", "ok": True, "heap": "cma", "backend": "dma-heap",
            "format": "NV12", "modifier": "BROADCOM_SAND128", "width": 64,
            "height": 64, "count": 1, "size": 8192,
            "planes": [{"offset": 0, "stride": 64},
                       {"offset": 4096, "stride": 64}]})
        # any-plane (NV12 -> hvs, every plane): primary's mapping has no
        # NV12, a format conflict at that mapping (line 18); the whole user
        # hvs takes no part in the modifier rule, hevc alone agrees.
        self.assertEqual(conflicts(anyp),
                         {("hvs/primary", "format", "f0.yaml:18")})
        # yuv (YUV420 -> hvs/overlay): both mappings lack YUV420, one
        # format conflict each; no modifier conflict (flattened to one list,
        # hvs would have taken SAND128 for YUV420, which vc4 refuses).
        self.assertEqual(conflicts(yuv), {("hvs", "format", "f0.yaml:13"),
                                          ("hvs/overlay", "format",
                                           "f0.yaml:20")})
        # ui (XRGB8888 -> hvs/primary): {UIF} n {UIF, LINEAR} n {UIF,
        # LINEAR} = {UIF}.
        self.assertEqual((ui["ok"], ui["modifier"]), (True, "BROADCOM_UIF"))
        self.assertEqual(ui["planes"], [{"offset": 0, "stride": 256}])
        # ui-overlay: {UIF} n {UIF, LINEAR} n {LINEAR} is empty: every
        # list taking part is named, each at its format's line.
        self.assertEqual(conflicts(uio), {("gpu", "modifier", "f0.yaml:10"),
                                          ("hvs", "modifier", "f0.yaml:15"),
                                          ("hvs/overlay", "modifier",
                                           "f0.yaml:22")})

    def test_formats_list_and_mapping_each_give_a_conflict(self):
        bufs = self.failed("""\
            heaps: [{name: cma, backend: dma-heap}]
            devices:
              - name: cam
                kind: camera
              - name: d
                kind: display
                formats: [XRGB8888]
                modifiers: {XRGB8888: [LINEAR]}
              - name: e
                kind: display
                formats: [XRGB8888]
                modifiers: [ALLWINNER_TILED]
              - name: f
                kind: display
                modifiers: {XRGB8888: [ALLWINNER_TILED]}
            buffers:
              - {name: bd, format: NV12, width: 2, height: 2, producer: cam,
                 consumers: [d]}
              - {name: be, format: NV12, width: 2, height: 2, producer: cam,
                 consumers: [e]}
              - {name: bf, format: NV12, width: 2, height: 2, producer: cam,
                 consumers: [f]}
            """)
        # d: its formats list (line 9) and its mapping (line 10) both lack
        # NV12: two format conflicts.
        self.assertEqual(conflicts(bufs[0]), {("d", "format", "f0.yaml:9"),
                                              ("d", "format", "f0.yaml:10")})
        # e: refused by a formats list only, so it still takes part: cam's
        # default [LINEAR] (at cam's line 5) n [ALLWINNER_TILED] is empty.
        self.assertEqual(conflicts(bufs[1]), {("e", "format", "f0.yaml:13"),
                                              ("e", "modifier", "f0.yaml:14"),
                                              ("cam", "modifier",
                                               "f0.yaml:5")})
        # f: the same lists, but per format: f takes no part, no modifier
        # conflict.
        self.assertEqual(conflicts(bufs[2]), {("f", "format", "f0.yaml:17")})

    def test_no_user_left_takes_part(self):
        b = self.failed("""\
            heaps: [{name: cma, backend: dma-heap}]
            devices:
              - {name: p, kind: codec, modifiers: {XRGB8888: [LINEAR]}}
              - {name: q, kind: display, modifiers: {R8: [ALLWINNER_TILED]}}
            buffers:
              - {name: b, format: NV12, width: 2, height: 2, producer: p,
                 consumers: [q]}
            """)[0]
        self.assertEqual(conflicts(b), {("p", "format", "f0.yaml:5"),
                                        ("q", "format", "f0.yaml:6")})

    def test_device_default_linear_narrows_plane_maps(self):
        text = textwrap.dedent("""\
            heaps: [{name: cma, backend: dma-heap}]
            devices:
              - {name: hevc, kind: codec, modifiers: [BROADCOM_SAND128]}
              - name: disp
                kind: display%s
                planes:
                  - {name: video, modifiers: {NV12: [BROADCOM_SAND128]}}
            buffers:
              - {name: b, format: NV12, width: 2, height: 2, producer: hevc,
                 consumers: [disp/video]}
            """)
        # disp has no modifiers: [LINEAR] (at its entry, line 6) n the
        # plane's {SAND128} (line 9) n hevc's {SAND128} (line 5) is empty.
        b = self.failed(text % "")[0]
        self.assertEqual(conflicts(b), {("hevc", "modifier", "f0.yaml:5"),
                                        ("disp", "modifier", "f0.yaml:6"),
                                        ("disp/video", "modifier",
                                         "f0.yaml:9")})
        self.tearDown()
        self.setUp()
        # The device with the union of its planes' lists per format (as
        # KMS is described): SAND128 taken.
        b = self.solved(text % "\n    modifiers: {NV12: [BROADCOM_SAND128, "
                        "LINEAR]}")[0]
        self.assertEqual(b["modifier"], "BROADCOM_SAND128")

    def test_producer_order_from_its_map(self):
        # The producer's list for the format, in its order, less what its
        # plane refuses: vpu/out's NV12 list drops ALLWINNER_TILED, so the
        # first of [ALLWINNER_TILED, SAMSUNG_64_32_TILE, ARM_AFBC] that
        # every user accepts is SAMSUNG_64_32_TILE (LINEAR is not accepted
        # by the consumer).
        b = self.solved("""\
            heaps: [{name: cma, backend: dma-heap}]
            devices:
              - name: vpu
                kind: codec
                modifiers:
                  NV12: [ALLWINNER_TILED, SAMSUNG_64_32_TILE, ARM_AFBC]
                  R8: [LINEAR]
                planes:
                  - name: out
                    modifiers: {NV12: [ARM_AFBC, SAMSUNG_64_32_TILE]}
              - {name: g, kind: render, modifiers: {NV12: [ARM_AFBC,
                  SAMSUNG_64_32_TILE, ALLWINNER_TILED]}}
            buffers:
              - {name: b, format: NV12, width: 2, height: 2,
                 producer: vpu/out, consumers: [g]}
            """)[0]
        self.assertEqual(b["modifier"], "SAMSUNG_64_32_TILE")

    def test_bad_maps(self):
        dev = ("heaps: [{name: s, backend: dma-heap}]\n"
               "devices:\n"
               "  - name: d\n"
               "    kind: cpu\n"
               "    modifiers: %s\n")
        for value in ["{}", "{NV12: []}", "{NV12: LINEAR}", "{NV12: [linear]}",
                      "{NV12: [LINEAR, LINEAR]}", "{NV12: }",
                      "{NV12: [LINEAR], NV12: [LINEAR]}",
                      "{[NV12]: [LINEAR]}", "LINEAR",
                      "{NV12: [DRM_FORMAT_MOD_LINEAR]}", "{NV12: {A: [B]}}",
                      "{NV12: [0x00000000000000001]}", "{'': [LINEAR]}",
                      "\n      NV12:\n      - LINEAR\n"
                      "      - 0xg"]:
            self.bad(dev % value)
            self.tearDown()
            self.setUp()
        # The same in a plane.
        self.bad(dev % "[LINEAR]" + "    planes: [{name: p, modifiers: "
                 "{NV12: [LINEAR, linear]}}]\n")
        # A mapping with any fourcc name as a key, block style: fine.
        rc, _, err = self.check(dev % "\n      MT21: [LINEAR]\n"
                                "      NV12: [ALLWINNER_TILED, 0x0]")
        self.assertEqual(rc, 0, err)


class ChromaStride(Case):
    def layout(self, fmt, width, height, a_stride, derived_by,
               extra=""):
        b = self.solved(textwrap.dedent("""\
            heaps: [{name: s, backend: dma-heap}]
            devices:
              - {name: dec, kind: codec, align: {stride: %d}%s}
              - name: disp
                kind: display%s
                planes:
                  - {name: video, chroma_stride: derived}
                  - {name: ui, chroma_stride: aligned}
            buffers:
              - {name: b, format: %s, width: %d, height: %d,
                 producer: dec, consumers: [%s]}
            """) % (a_stride, ", chroma_stride: derived"
                   if derived_by == "dec" else "",
                   extra, fmt, width, height,
                   "disp" if derived_by == "disp" else "disp/ui"))[0]
        return b["planes"], b["size"]

    def test_yuv420_1928_wide(self):
        # A_stride 32, height 1080, 4 KiB pages.
        # aligned: stride_0 = align_up(1928, 32) = 61 x 32 = 1952; plane 0
        # 1952 x 1080 = 2108160; plane 1 at align_up(2108160, 4096) = 515 x
        # 4096 = 2109440; w_1 = 964 -> stride 31 x 32 = 992, 540 rows =
        # 535680, end 2645120; plane 2 at 646 x 4096 = 2646016, end 3181696;
        # size 777 x 4096 = 3182592.  (992 is not 1952 / 2 = 976.)
        self.assertEqual(self.layout("YUV420", 1928, 1080, 32, None), (
            [{"offset": 0, "stride": 1952}, {"offset": 2109440, "stride": 992},
             {"offset": 2646016, "stride": 992}], 3182592))
        # derived: stride_1 = stride_0 x 1 / (2 x 1) must be a multiple of
        # 32, so stride_0 is a multiple of 64, >= 1928: 31 x 64 = 1984;
        # stride_1 = stride_2 = 992 >= 964.  Plane 0 1984 x 1080 = 2142720;
        # plane 1 at 524 x 4096 = 2146304, end 2681984; plane 2 at 655 x
        # 4096 = 2682880, end 3218560; size 786 x 4096 = 3219456.
        want = ([{"offset": 0, "stride": 1984},
                 {"offset": 2146304, "stride": 992},
                 {"offset": 2682880, "stride": 992}], 3219456)
        self.assertEqual(self.layout("YUV420", 1928, 1080, 32, "dec"), want)
        # The consumer disp says it through its plane video (a user written
        # `disp` brings every plane); disp/ui alone says aligned.
        self.assertEqual(self.layout("YUV420", 1928, 1080, 32, "disp"), want)
        # aligned on a plane never overrides derived on its device.
        self.assertEqual(self.layout("YUV420", 1928, 1080, 32, None,
                                     "\n    chroma_stride: derived"), want)
        # A_stride 16: aligned 1936 / 976; derived: a multiple of 32 >=
        # 1928 = 1952, chroma 976.
        self.assertEqual([p["stride"] for p in self.layout(
            "YUV420", 1928, 1080, 16, None)[0]], [1936, 976, 976])
        self.assertEqual([p["stride"] for p in self.layout(
            "YUV420", 1928, 1080, 16, "dec")[0]], [1952, 976, 976])

    def test_two_plane_formats(self):
        # NV12 1927x2, A_stride 1: w_0 x 1 = 1927, w_1 x 2 = 964 x 2 = 1928.
        # aligned 1927 / 1928; derived: stride_1 = stride_0 x 2 / (2 x 1) =
        # stride_0 >= 1928.  Plane 0 <= 3856 bytes, plane 1 at 4096, one row
        # of 1928: end 6024, size 8192 either way.
        self.assertEqual(self.layout("NV12", 1927, 2, 1, None), (
            [{"offset": 0, "stride": 1927}, {"offset": 4096, "stride": 1928}],
            8192))
        self.assertEqual(self.layout("NV12", 1927, 2, 1, "dec"), (
            [{"offset": 0, "stride": 1928}, {"offset": 4096, "stride": 1928}],
            8192))
        # Even width: nothing changes (1920 / 1920).
        self.assertEqual(self.layout("NV12", 1920, 2, 1, "dec"),
                         self.layout("NV12", 1920, 2, 1, None))
        # P010 3x2: w_0 x 2 = 6, w_1 x 4 = 2 x 4 = 8; aligned 6 / 8; derived
        # stride_1 = stride_0 x 4 / (2 x 2) = stride_0 >= 8: 8 / 8.
        self.assertEqual([p["stride"] for p in self.layout(
            "P010", 3, 2, 1, None)[0]], [6, 8])
        self.assertEqual([p["stride"] for p in self.layout(
            "P010", 3, 2, 1, "dec")[0]], [8, 8])
        # NV24 3x1, A_stride 64: aligned 64 / align_up(6, 64) = 64; derived
        # stride_1 = stride_0 x 2 / (1 x 1) = 128.
        self.assertEqual([p["stride"] for p in self.layout(
            "NV24", 3, 1, 64, None)[0]], [64, 64])
        self.assertEqual([p["stride"] for p in self.layout(
            "NV24", 3, 1, 64, "dec")[0]], [64, 128])
        # YUV422 13x1, A_stride 3: aligned 15 / align_up(7, 3) = 9 / 9;
        # derived: stride_0 / 2 a multiple of 3, so stride_0 a multiple of
        # 6 >= 13: 18 / 9 / 9.  Offsets 0, 4096, 8192; end 8201, size 12288.
        self.assertEqual([p["stride"] for p in self.layout(
            "YUV422", 13, 1, 3, None)[0]], [15, 9, 9])
        self.assertEqual(self.layout("YUV422", 13, 1, 3, "dec"), (
            [{"offset": 0, "stride": 18}, {"offset": 4096, "stride": 9},
             {"offset": 8192, "stride": 9}], 12288))
        # One plane: unaffected (XRGB8888 3 wide: 12 -> 64).
        self.assertEqual(self.layout("XRGB8888", 3, 1, 64, "dec"),
                         self.layout("XRGB8888", 3, 1, 64, None))

    def test_max_stride_applies_to_every_plane(self):
        # NV24 3x1, A_stride 64: derived chroma stride 128 > max_stride 100
        # (line 6), aligned 64 fits.
        text = """\
            heaps: [{name: s, backend: dma-heap}]
            devices:
              - {name: dec, kind: codec, align: {stride: 64}%s}
              - {name: disp, kind: display,
                 max_stride: 100}
            buffers:
              - {name: b, format: NV24, width: 3, height: 1, producer: dec,
                 consumers: [disp]}
            """
        self.solved(text % "")
        self.tearDown()
        self.setUp()
        b = self.failed(text % ", chroma_stride: derived")[0]
        self.assertEqual(conflicts(b), {("disp", "stride", "f0.yaml:7")})

    def test_closed_form_matches_the_definition(self):
        # Not hand-computed: the closed form of derived_strides against a
        # literal search of the spec's definition (smallest multiple of A
        # that satisfies every condition), exact fractions.
        from fractions import Fraction
        for name, fmt in reference.FORMATS.items():
            if len(fmt) == 1:
                continue
            for width in list(range(1, 40)) + [1927, 1928, 1366]:
                for a in range(1, 70, 3):
                    got = reference.derived_strides(fmt, width, a)
                    cpp0 = fmt[0][0]
                    s0 = a
                    while True:
                        ok = s0 >= width * cpp0
                        want = [s0]
                        for cpp, hsub, _ in fmt[1:]:
                            sp = Fraction(s0 * cpp, hsub * cpp0)
                            w = -(-width // hsub)
                            ok = ok and sp.denominator == 1 and \
                                sp % a == 0 and sp >= w * cpp
                            want.append(sp)
                        if ok:
                            break
                        s0 += a
                    self.assertEqual(got, want, (name, width, a))

    def test_bad_chroma_stride(self):
        for text in [
                "devices: [{name: d, kind: cpu, chroma_stride: interleaved}]\n",
                "devices: [{name: d, kind: cpu, chroma_stride: [derived]}]\n",
                "devices: [{name: d, kind: cpu, chroma_stride: Derived}]\n",
                "devices: [{name: d, kind: cpu, chroma_stride:}]\n",
                "devices: [{name: d, kind: cpu, chroma_stride: derived, "
                "chroma_stride: aligned}]\n",
                "devices: [{name: d, kind: cpu, planes: [{name: p, "
                "chroma_stride: true}]}]\n",
                "heaps: [{name: s, backend: dma-heap, "
                "chroma_stride: derived}]\n",
                "devices: [{name: d, kind: cpu}]\n"
                "buffers: [{name: b, format: NV12, width: 1, height: 1, "
                "producer: d, chroma_stride: derived}]\n",
                "chroma_stride: derived\n"]:
            self.bad(text)
            self.tearDown()
            self.setUp()


class Capacity(Case):
    CMA = textwrap.dedent("""\
        heaps:
          - name: cma
            backend: dma-heap
            contiguous: true
            regions: [{base: 0, size: 1GiB}]%s
        devices: [{name: cam, kind: camera, contiguous: true}]
        buffers:
          - {name: frames, format: R8, width: 4096, height: 4096,
             count: %d, producer: cam}
        """)

    def test_capacity_makes_a_heap_ineligible(self):
        # R8 4096x4096: stride 4096, 16777216 bytes = 16 MiB, a multiple of
        # 4096.  count 4 x 16 MiB = 64 MiB <= capacity 64 MiB (equal fits);
        # count 5: 80 MiB > 64 MiB, the size rule at capacity (line 8), the
        # heap alone; without capacity 80 MiB fits in the 1 GiB region.
        cap = "\n    capacity: 64MiB"
        b = self.solved(self.CMA % (cap, 4))[0]
        self.assertEqual((b["heap"], b["size"]), ("cma", 16777216))
        self.tearDown()
        self.setUp()
        b = self.failed(self.CMA % (cap, 5))[0]
        self.assertEqual(conflicts(b), {("cma", "size", "f0.yaml:8")})
        self.tearDown()
        self.setUp()
        self.solved(self.CMA % ("", 5))

    def test_capacity_with_unknown_regions_limits_size(self):
        # No regions, no memory: only max_buffer and capacity limit size.
        # R8 4096x1 is 4096 bytes; count 2 = 8192 <= 8 KiB; count 3 = 12288.
        text = """\
            heaps:
              - {name: u, backend: udmabuf,
                 capacity: 8KiB}
            devices: [{name: cpu, kind: cpu}]
            buffers:
              - {name: b, format: R8, width: 4096, height: 1, count: %d,
                 producer: cpu}
            """
        self.solved(text % 2)
        self.tearDown()
        self.setUp()
        b = self.failed(text % 3)[0]
        self.assertEqual(conflicts(b), {("u", "size", "f0.yaml:5")})

    def order(self, heaps, memory=""):
        return self.solved(memory + "heaps:\n" + heaps + textwrap.dedent("""\
            devices: [{name: cpu, kind: cpu}]
            buffers:
              - {name: b, format: R8, width: 1, height: 1, producer: cpu}
            """))[0]["heap"]

    def test_capacity_changes_the_order(self):
        a = "  - {name: a, backend: dma-heap, regions: [{base: 0, size: 8GiB}]%s}\n"
        b = "  - {name: b, backend: dma-heap, regions: [{base: 0, size: 1GiB}]}\n"
        # Totals 8 GiB and 1 GiB: a first.  With capacity 256 MiB, a's total
        # is min(256 MiB, 8 GiB) = 256 MiB < 1 GiB: b first.
        self.assertEqual(self.order(a % "" + b), "a")
        self.tearDown()
        self.setUp()
        self.assertEqual(self.order(a % ", capacity: 256MiB" + b), "b")
        self.tearDown()
        self.setUp()
        # A capacity above the region sum changes nothing: min(16 GiB,
        # 8 GiB) = 8 GiB > 1 GiB.
        self.assertEqual(self.order(a % ", capacity: 16GiB" + b), "a")
        self.tearDown()
        self.setUp()
        # Tie min(1 GiB, 8 GiB) = 1 GiB against 1 GiB: by name, a.
        self.assertEqual(self.order(a % ", capacity: 1GiB" + b), "a")
        self.tearDown()
        self.setUp()
        # Unknown regions: the total is the capacity.  16 GiB > 8 GiB...
        u = "  - {name: u, backend: dma-heap%s}\n"
        k = "  - {name: k, backend: dma-heap, regions: [{base: 0, size: 8GiB}]}\n"
        self.assertEqual(self.order(u % ", capacity: 16GiB" + k), "u")
        self.tearDown()
        self.setUp()
        # ... 4 GiB < 8 GiB.
        self.assertEqual(self.order(u % ", capacity: 4GiB" + k), "k")
        self.tearDown()
        self.setUp()
        # Unknown and no capacity counts as larger than any number, also
        # larger than an unknown-region heap with a capacity of 1 TiB.
        n = "  - {name: n, backend: dma-heap}\n"
        self.assertEqual(self.order(u % ", capacity: 1TiB" + n), "n")
        self.tearDown()
        self.setUp()
        # Regions from memory (2 GiB) are known: m's total is min(64 MiB,
        # 2 GiB) = 64 MiB < r's 128 MiB.
        m = "  - {name: m, backend: dma-heap, capacity: 64MiB}\n"
        r = "  - {name: r, backend: dma-heap, regions: [{base: 0, size: 128MiB}]}\n"
        self.assertEqual(self.order(m + r, "memory: [{base: 0, size: 2GiB}]\n"),
                         "r")

    def test_bad_capacity(self):
        for value in ["0", '"64MiB"', "-1", "64 MiB", "[64MiB]", "", "1.5",
                      "0x", "18446744073709551616", "64MiB, capacity: 64MiB"]:
            self.bad("heaps: [{name: s, backend: dma-heap, capacity: %s}]\n"
                     % value)
            self.tearDown()
            self.setUp()
        self.bad("devices: [{name: d, kind: cpu, capacity: 64MiB}]\n")
        self.tearDown()
        self.setUp()
        self.bad("capacity: 64MiB\n")


if __name__ == "__main__":
    unittest.main()
