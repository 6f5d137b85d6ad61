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


if __name__ == "__main__":
    unittest.main()
