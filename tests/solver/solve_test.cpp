// SPDX-License-Identifier: Apache-2.0
// The solver's rules, one behaviour per test, on small systems written as schema-1 YAML.
#include "heapsolve/solver.h"
#include "tests/solver/test_system.h"

#include <set>
#include <utility>

#include <gtest/gtest.h>

#include "heapsolve/loader.h"

namespace heapsolve {
namespace {

// Line 1 of every test system is "version: 1"; the raw strings below start with a newline, so
// their first written line is line 3.
using testing::loadOk;

BufferResult solveOne(const std::string &text, size_t index = 0)
{
	System sys = loadOk(text);
	auto r = solveBuffer(sys, sys.policy, index);
	EXPECT_TRUE(r) << r.error().message();
	return r ? std::move(*r) : BufferResult{};
}

using Pairs = std::set<std::pair<std::string, std::string>>;

// The (user, rule) pairs a conflict names.
Pairs culprits(const BufferResult &r)
{
	Pairs out;
	if (r.ok()) {
		ADD_FAILURE() << r.name << " solved on heap " << r.plan().heap.name << ", expected a conflict";
		return out;
	}
	for (const Culprit &c : r.conflict().culprits)
		out.emplace(c.user, std::string(ruleName(c.rule)));
	return out;
}

const Culprit *find(const BufferResult &r, std::string_view user, Rule rule)
{
	for (const Culprit &c : r.conflict().culprits)
		if (c.user == user && c.rule == rule)
			return &c;
	return nullptr;
}

std::string heapOf(const BufferResult &r)
{
	if (!r.ok()) {
		std::string why;
		for (const Culprit &c : r.conflict().culprits)
			why += " " + c.user + ":" + std::string(ruleName(c.rule));
		return "(conflict:" + why + ")";
	}
	return r.plan().heap.name;
}

const std::string kTwoHeaps = R"(
memory:
  - {base: 0x40000000, size: 2GiB}
heaps:
  - name: system
    backend: dma-heap
  - name: cma
    backend: dma-heap
    contiguous: true
    regions:
      - {base: 0x40000000, size: 256MiB}
)";

TEST(Solve, AHeapThatBreaksARuleIsSkippedEvenWhenPreferred)
{
	auto r = solveOne(R"(
heaps:
  - name: ve-pool
    backend: dma-heap
    contiguous: true
    regions:
      - {base: 0x40000000, size: 96MiB}
  - {name: spare, backend: dma-heap, contiguous: true, align: 8KiB, regions: [{base: 0x40000000, size: 16MiB}]}
devices:
  - name: cedrus
    kind: codec
    address:
      - {base: 0x40000000, size: 256MiB}
    contiguous: true
    align: {base: 8KiB, stride: 32, height: 16, size: 4KiB}
  - {name: v3d, kind: render, iommu: true}
buffers:
  - {name: decoded, format: NV12, width: 1920, height: 1080, count: 4, producer: cedrus, consumers: [v3d]}
policy:
  prefer: [ve-pool]
)");
	// ve-pool's default align (4096) is not a multiple of cedrus' 8KiB base alignment.
	ASSERT_TRUE(r.ok()) << heapOf(r);
	EXPECT_EQ(r.plan().heap.name, "spare");
	EXPECT_TRUE(r.plan().others.empty()) << "a violating heap is never offered as a fallback";
}

TEST(Solve, Nv12PlanMatchesTheSpecExample)
{
	auto r = solveOne(R"(
heaps:
  - name: ve-pool
    backend: dma-heap
    contiguous: true
    align: 8KiB
    regions:
      - {base: 0x40000000, size: 96MiB}
devices:
  - name: cedrus
    kind: codec
    address:
      - {base: 0x40000000, size: 256MiB}
    contiguous: true
    align: {base: 8KiB, stride: 32, height: 16, size: 4KiB}
  - {name: v3d, kind: render, iommu: true}
buffers:
  - {name: decoded, format: NV12, width: 1920, height: 1080, count: 4, producer: cedrus, consumers: [v3d]}
)");
	ASSERT_TRUE(r.ok()) << heapOf(r);
	const Plan &p = r.plan();
	EXPECT_EQ(p.heap.name, "ve-pool");
	EXPECT_EQ(p.heap.backend, Backend::DmaHeap);
	EXPECT_EQ(p.heap.path, "/dev/dma_heap/ve-pool");
	EXPECT_EQ(p.format, "NV12");
	EXPECT_EQ(p.modifier, "LINEAR");
	EXPECT_EQ(p.count, 4u);
	EXPECT_EQ(p.size, 3137536u);
	EXPECT_EQ(p.planes, (std::vector<PlaneLayout>{ { 0, 1920 }, { 2088960, 1920 } }));
	ASSERT_EQ(p.adjustments.size(), 1u);
	EXPECT_EQ(p.adjustments[0], "height 1080 -> 1088: align.height cedrus 16 (sys.yaml:16)");
}

TEST(Solve, HeapAlignMustCoverTheBaseAlignmentOfUsersWithoutIommu)
{
	const std::string heaps = "heaps:\n  - {name: h4k, backend: dma-heap}\n";
	auto r = solveOne(heaps + R"(
devices:
  - {name: vpu, kind: codec, align: {base: 64KiB}}
buffers:
  - {name: b, format: R8, width: 64, height: 64, producer: vpu}
)");
	EXPECT_EQ(culprits(r), (Pairs{ { "vpu", "align" }, { "h4k", "align" } }));
	// Behind an IOMMU the device's base alignment no longer binds the heap, but it still shapes the
	// plane offsets and size (A_base of all users).
	auto iommu = solveOne(heaps + R"(
devices:
  - {name: vpu, kind: codec, iommu: true, align: {base: 64KiB}}
buffers:
  - {name: b, format: NV12, width: 64, height: 64, producer: vpu}
)");
	ASSERT_TRUE(iommu.ok()) << heapOf(iommu);
	EXPECT_EQ(iommu.plan().planes[1].offset, 65536u);
	EXPECT_EQ(iommu.plan().size, 131072u);
}

TEST(Solve, HeapOrderPreferThenScatteredThenLargerThenName)
{
	const std::string devices = R"(
devices:
  - {name: cpu, kind: cpu}
buffers:
  - {name: b, format: R8, width: 16, height: 16, producer: cpu}
)";
	const std::string heaps = R"(
heaps:
  - {name: cma, backend: dma-heap, contiguous: true, regions: [{base: 0, size: 64MiB}]}
  - {name: small, backend: dma-heap, regions: [{base: 0, size: 64MiB}]}
  - {name: big, backend: dma-heap, regions: [{base: 0, size: 1GiB}]}
  - {name: alpha, backend: dma-heap, regions: [{base: 0x100000000, size: 1GiB}]}
  - {name: anywhere, backend: udmabuf}
)";
	auto r = solveOne(heaps + devices);
	ASSERT_TRUE(r.ok());
	std::vector<std::string> order{ r.plan().heap.name };
	for (const HeapChoice &h : r.plan().others)
		order.push_back(h.name);
	// Unknown regions count as larger than any number; equal totals go by name.
	EXPECT_EQ(order, (std::vector<std::string>{ "anywhere", "alpha", "big", "small", "cma" }));
	EXPECT_EQ(r.plan().heap.path, "/dev/udmabuf");

	auto preferred = solveOne(heaps + devices + "policy:\n  prefer: [cma, small]\n");
	ASSERT_TRUE(preferred.ok());
	EXPECT_EQ(preferred.plan().heap.name, "cma");
	EXPECT_EQ(preferred.plan().others[0].name, "small");
	EXPECT_EQ(preferred.plan().others[1].name, "anywhere");
}

TEST(Solve, AddressWindowsIntersectAndHeapsMustLieInside)
{
	auto r = solveOne(kTwoHeaps + R"(
devices:
  - {name: ve, kind: codec, address: [{base: 0x40000000, size: 256MiB}]}
  - {name: gpu, kind: render, address: [{base: 0, size: 4GiB}]}
buffers:
  - {name: b, format: NV12, width: 64, height: 64, producer: ve, consumers: [gpu]}
)");
	ASSERT_TRUE(r.ok()) << heapOf(r);
	EXPECT_EQ(r.plan().heap.name, "cma") << "system spans all 2 GiB of memory, beyond the codec's window";
	EXPECT_TRUE(r.plan().others.empty());
}

TEST(Solve, DisjointWindowsNameEveryUserThatBringsOne)
{
	auto r = solveOne(kTwoHeaps + R"(
devices:
  - {name: rga, kind: other, address: [{base: 0, size: 4GiB}]}
  - {name: npu, kind: other, address: [{base: 4GiB, size: 4GiB}]}
  - {name: gpu, kind: render, iommu: true, address: [{base: 8GiB, size: 1GiB}]}
  - {name: cpu, kind: cpu}
buffers:
  - {name: b, format: R8, width: 64, height: 64, producer: rga, consumers: [npu, gpu, cpu]}
)");
	EXPECT_EQ(culprits(r), (Pairs{ { "rga", "address" }, { "npu", "address" }, { "system", "address" }, { "cma", "address" } }));
	const Culprit *rga = find(r, "rga", Rule::Address);
	ASSERT_NE(rga, nullptr);
	EXPECT_EQ(rga->detail, "needs [0x0, 0x100000000)");
	EXPECT_EQ(rga->at.fileLine(), "sys.yaml:15");
	EXPECT_EQ(find(r, "gpu", Rule::Address), nullptr) << "an IOMMU exempts gpu from address windows";
	EXPECT_EQ(find(r, "cpu", Rule::Address), nullptr) << "cpu brings no window";
	const Culprit *sys = find(r, "system", Rule::Address);
	ASSERT_NE(sys, nullptr);
	EXPECT_EQ(sys->detail, "heap regions [0x40000000, 0xc0000000)");
	EXPECT_EQ(sys->at.fileLine(), "sys.yaml:6") << "regions default to memory: cite the heap that leaves them out";
}

TEST(Solve, UnknownRegionsLieInNoFiniteWindow)
{
	auto r = solveOne(R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: rga, kind: other, address: [{base: 0, size: 4GiB}]}
buffers:
  - {name: b, format: R8, width: 64, height: 64, producer: rga}
)");
	EXPECT_EQ(culprits(r), (Pairs{ { "rga", "address" }, { "system", "address" } }));
	EXPECT_EQ(find(r, "system", Rule::Address)->detail, "regions unknown");
	// Without any window, unknown regions are fine.
	auto free = solveOne(R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: rga, kind: other}
buffers:
  - {name: b, format: R8, width: 64, height: 64, producer: rga}
)");
	EXPECT_EQ(heapOf(free), "system");
}

TEST(Solve, ContiguityBindsOnlyUsersWithoutIommu)
{
	const std::string devs = R"(
devices:
  - {name: vc4, kind: display, contiguous: true, IOMMU_KEY}
  - {name: v3d, kind: render, iommu: true, contiguous: true}
buffers:
  - {name: b, format: XRGB8888, width: 64, height: 64, producer: v3d, consumers: [vc4]}
)";
	auto needs = solveOne(kTwoHeaps + std::string(devs).replace(devs.find("IOMMU_KEY"), 9, "iommu: false"));
	EXPECT_EQ(heapOf(needs), "cma");
	auto exempt = solveOne(kTwoHeaps + std::string(devs).replace(devs.find("IOMMU_KEY"), 9, "iommu: true"));
	EXPECT_EQ(heapOf(exempt), "system") << "scattered heaps come first when nobody needs contiguity";
}

TEST(Solve, DevicePlanesAllApplyWithoutAHint)
{
	const std::string sys = R"(
heaps:
  - {name: vram, backend: dma-heap, contiguous: true, regions: [{base: 0x7f000000, size: 16MiB}]}
devices:
  - {name: gpu, kind: render, iommu: true}
  - name: logicvc
    kind: display
    planes:
      - {name: layer0, address: [{base: 0x7f000000, size: 16MiB}]}
      - {name: layer1, address: [{base: 0x80000000, size: 16MiB}]}
buffers:
  - {name: scanout, format: XRGB8888, width: 640, height: 480, producer: gpu, consumers: [USER]}
)";
	auto noHint = solveOne(std::string(sys).replace(sys.find("USER"), 4, "logicvc"));
	Pairs expected{ { "logicvc/layer0", "plane" }, { "logicvc/layer1", "plane" }, { "logicvc/layer0", "address" }, { "logicvc/layer1", "address" }, { "vram", "address" } };
	EXPECT_EQ(culprits(noHint), expected);
	EXPECT_EQ(find(noHint, "logicvc/layer1", Rule::Plane)->detail, "needs [0x80000000, 0x81000000)");
	EXPECT_EQ(find(noHint, "logicvc/layer1", Rule::Plane)->at.fileLine(), "sys.yaml:11");

	auto layer0 = solveOne(std::string(sys).replace(sys.find("USER"), 4, "logicvc/layer0"));
	EXPECT_EQ(heapOf(layer0), "vram");
	auto layer1 = solveOne(std::string(sys).replace(sys.find("USER"), 4, "logicvc/layer1"));
	EXPECT_EQ(culprits(layer1), (Pairs{ { "logicvc/layer1", "address" }, { "vram", "address" } }))
		<< "vram does not lie inside layer1's area";
}

TEST(Solve, PlaneConflictLeavesTheOtherUsersToBeCheckedAmongThemselves)
{
	auto r = solveOne(R"(
heaps:
  - {name: system, backend: dma-heap, regions: [{base: 0, size: 1GiB}]}
devices:
  - {name: a, kind: other, address: [{base: 0, size: 1MiB}]}
  - {name: b, kind: other, address: [{base: 2MiB, size: 1MiB}]}
  - name: d
    kind: display
    address: [{base: 0, size: 1GiB}]
    planes:
      - {name: p, address: [{base: 2GiB, size: 1MiB}]}
buffers:
  - {name: buf, format: R8, width: 8, height: 8, producer: a, consumers: [b, d]}
)");
	const Pairs got = culprits(r);
	EXPECT_TRUE(got.count({ "d", "plane" }) && got.count({ "d/p", "plane" })) << "d's own windows do not meet";
	EXPECT_TRUE(got.count({ "a", "address" }) && got.count({ "b", "address" })) << "a and b do not meet either";
	size_t planeRules = 0;
	for (const Culprit &c : r.conflict().culprits)
		planeRules += c.rule == Rule::Plane;
	EXPECT_EQ(planeRules, 2u);
}

TEST(Solve, FormatsIntersectAndNameTheRefusingPlane)
{
	auto r = solveOne(R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: vpu, kind: codec, formats: [NV12, YUV420]}
  - name: disp
    kind: display
    formats: [NV12, XRGB8888]
    planes:
      - {name: primary, formats: [XRGB8888]}
      - {name: overlay, formats: [NV12]}
buffers:
  - {name: b, format: NV12, width: 64, height: 64, producer: vpu, consumers: [disp]}
  - {name: c, format: NV12, width: 64, height: 64, producer: vpu, consumers: [disp/overlay]}
)");
	EXPECT_EQ(culprits(r), (Pairs{ { "disp/primary", "format" } }));
	EXPECT_EQ(find(r, "disp/primary", Rule::Format)->detail, "accepts [XRGB8888], not NV12");
	System sys = loadOk(R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: vpu, kind: codec, formats: [NV12, YUV420]}
  - {name: disp, kind: display, planes: [{name: overlay, formats: [NV12]}]}
buffers:
  - {name: c, format: NV12, width: 64, height: 64, producer: vpu, consumers: [disp/overlay]}
)");
	auto ok = solveBuffer(sys, sys.policy, 0);
	ASSERT_TRUE(ok);
	EXPECT_TRUE(ok->ok());
}

TEST(Solve, ModifierIsLinearWhenAllAcceptElseTheProducersFirst)
{
	const std::string base = R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: vpu, kind: codec, modifiers: [ALLWINNER_TILED, 0x0100000000000002, LINEAR]}
  - {name: disp, kind: display, modifiers: [LINEAR, 0x0100000000000002, ALLWINNER_TILED]}
  - {name: g2d, kind: other, modifiers: [0x0100000000000002, ALLWINNER_TILED]}
  - {name: cpu, kind: cpu}
buffers:
)";
	auto all = solveOne(base + "  - {name: b, format: NV12, width: 64, height: 64, producer: vpu, consumers: [disp]}\n");
	ASSERT_TRUE(all.ok());
	EXPECT_EQ(all.plan().modifier, "LINEAR");
	auto tiled = solveOne(base + "  - {name: b, format: NV12, width: 64, height: 64, producer: vpu, consumers: [disp, g2d]}\n");
	ASSERT_TRUE(tiled.ok());
	EXPECT_EQ(tiled.plan().modifier, "ALLWINNER_TILED") << "the producer's order decides";
	auto none = solveOne(base + "  - {name: b, format: NV12, width: 64, height: 64, producer: g2d, consumers: [cpu]}\n");
	EXPECT_EQ(culprits(none), (Pairs{ { "g2d", "modifier" }, { "cpu", "modifier" } }));
	const Culprit *cpu = find(none, "cpu", Rule::Modifier);
	EXPECT_EQ(cpu->detail, "accepts [LINEAR]");
	EXPECT_EQ(cpu->at.fileLine(), "sys.yaml:9") << "the default nobody wrote cites the device entry";
}

TEST(Solve, PlaneModifiersNarrowTheDevicesAndDoNotDefaultToLinear)
{
	auto r = solveOne(R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - name: disp
    kind: display
    modifiers: [LINEAR, ARM_AFBC]
    planes:
      - {name: primary, modifiers: [ARM_AFBC]}
      - {name: cursor}
  - {name: gpu, kind: render, modifiers: [LINEAR, ARM_AFBC]}
buffers:
  - {name: a, format: XRGB8888, width: 64, height: 64, producer: disp/primary, consumers: [gpu]}
  - {name: c, format: XRGB8888, width: 64, height: 64, producer: disp/cursor, consumers: [gpu]}
)");
	ASSERT_TRUE(r.ok());
	EXPECT_EQ(r.plan().modifier, "ARM_AFBC");
	System sys = loadOk(R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: disp, kind: display, modifiers: [ARM_AFBC, LINEAR], planes: [{name: cursor}]}
  - {name: gpu, kind: render, modifiers: [LINEAR, ARM_AFBC]}
buffers:
  - {name: c, format: XRGB8888, width: 64, height: 64, producer: disp/cursor, consumers: [gpu]}
)");
	auto c = solveBuffer(sys, sys.policy, 0);
	ASSERT_TRUE(c && c->ok());
	EXPECT_EQ(c->plan().modifier, "LINEAR");
}

TEST(Solve, CacheModes)
{
	const std::string heaps = R"(
heaps:
  - {name: cached, backend: dma-heap}
  - {name: wc, backend: dma-heap, cached: false}
devices:
  - {name: cpu, kind: cpu, cache: cached}
  - {name: disp, kind: display, cache: uncached}
  - {name: gpu, kind: render}
buffers:
)";
	auto wc = solveOne(heaps + "  - {name: b, format: R8, width: 8, height: 8, producer: gpu, consumers: [disp]}\n");
	EXPECT_EQ(heapOf(wc), "wc");
	auto cached = solveOne(heaps + "  - {name: b, format: R8, width: 8, height: 8, producer: gpu, consumers: [cpu]}\n");
	EXPECT_EQ(heapOf(cached), "cached");
	auto both = solveOne(heaps + "  - {name: b, format: R8, width: 8, height: 8, producer: cpu, consumers: [disp]}\n");
	EXPECT_EQ(culprits(both), (Pairs{ { "cpu", "cache" }, { "disp", "cache" }, { "cached", "cache" }, { "wc", "cache" } }));
}

TEST(Solve, ProtectedBuffersNeedProtectedHeapsAndCapableUsers)
{
	const std::string sys = R"(
heaps:
  - {name: system, backend: dma-heap}
  - {name: secure, backend: dma-heap, protected: true, contiguous: true, regions: [{base: 0x80000000, size: 128MiB}]}
devices:
  - {name: vdec, kind: codec, protected: true}
  - {name: disp, kind: display, protected: true}
  - {name: gpu, kind: render}
buffers:
  - {name: clear, format: NV12, width: 64, height: 64, producer: vdec, consumers: [disp]}
  - {name: secret, format: NV12, width: 64, height: 64, protected: true, producer: vdec, consumers: [disp]}
  - {name: leak, format: NV12, width: 64, height: 64, protected: true, producer: vdec, consumers: [disp, gpu]}
)";
	EXPECT_EQ(heapOf(solveOne(sys, 0)), "system") << "an unprotected buffer never goes to a protected heap";
	EXPECT_EQ(heapOf(solveOne(sys, 1)), "secure");
	auto leak = solveOne(sys, 2);
	EXPECT_EQ(culprits(leak), (Pairs{ { "gpu", "protected" } })) << "secure is eligible: only the user conflicts";
	EXPECT_EQ(find(leak, "gpu", Rule::Protected)->at.fileLine(), "sys.yaml:9");
}

TEST(Solve, SizeLimitsOfHeaps)
{
	auto r = solveOne(R"(
heaps:
  - {name: capped, backend: dma-heap, max_buffer: 1MiB}
  - {name: cma, backend: dma-heap, contiguous: true, regions: [{base: 0, size: 4MiB}, {base: 4MiB, size: 4MiB}]}
  - {name: tiny, backend: dma-heap, regions: [{base: 0, size: 8MiB}]}
devices:
  - {name: cam, kind: camera}
buffers:
  - {name: b, format: XRGB8888, width: 1920, height: 1080, count: 2, producer: cam}
)");
	// 1920 x 1080 x 4 = 8294400 bytes, 2025 pages: too big for a 1 MiB cap, for a 4 MiB region
	// (adjacent regions are not merged for capacity) and, twice over, for 8 MiB in total.
	EXPECT_EQ(culprits(r), (Pairs{ { "capped", "size" }, { "cma", "size" }, { "tiny", "size" } }));
	EXPECT_EQ(find(r, "capped", Rule::Size)->at.fileLine(), "sys.yaml:4");
	EXPECT_EQ(find(r, "tiny", Rule::Size)->detail, "regions total 8MiB < count x size 16588800");
}

TEST(Solve, ForbiddenBackendIsNeverChosen)
{
	const std::string sys = R"(
heaps:
  - {name: card0, backend: drm-dumb}
devices:
  - {name: disp, kind: display}
buffers:
  - {name: b, format: XRGB8888, width: 64, height: 64, producer: disp}
)";
	EXPECT_EQ(heapOf(solveOne(sys)), "card0");
	auto r = solveOne(sys + "policy:\n  forbid_backends: [drm-dumb]\n");
	EXPECT_EQ(culprits(r), (Pairs{ { "card0", "backend" } }));
	EXPECT_EQ(find(r, "card0", Rule::Backend)->at.fileLine(), "sys.yaml:4");
}

TEST(Solve, StrideBeyondAMaximumIsAConflictWhateverTheHeap)
{
	auto r = solveOne(R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: cam, kind: camera, align: {stride: 256}}
  - {name: disp, kind: display, max_stride: 8192}
  - {name: gpu, kind: render, max_stride: 16384}
buffers:
  - {name: b, format: XRGB8888, width: 2100, height: 16, producer: cam, consumers: [disp, gpu]}
)");
	// 2100 x 4 = 8400 bytes, aligned to 256 for cam: 8448, beyond disp's 8192.
	EXPECT_EQ(culprits(r), (Pairs{ { "disp", "stride" } }));
	EXPECT_EQ(find(r, "disp", Rule::Stride)->detail, "max_stride 8192 < stride 8448");
	EXPECT_EQ(find(r, "disp", Rule::Stride)->at.fileLine(), "sys.yaml:7");
}

TEST(Solve, OverflowIsBadInputNotAConflict)
{
	System sys = loadOk(R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: cam, kind: camera}
buffers:
  - {name: ok, format: R8, width: 8, height: 8, producer: cam}
  - {name: huge, format: XRGB8888, width: 0x4000000000000000, height: 1, producer: cam}
)");
	auto r = solve(sys, sys.policy);
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().message(), "sys.yaml:9:5: error: buffer 'huge': plane 0's line of 4611686018427387904 "
				       "samples does not fit in 64 bits\n  while solving buffer 'huge'");
	System count = loadOk(R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: cam, kind: camera}
buffers:
  - {name: many, format: R8, width: 4096, height: 4096, count: 0x1000000000000, producer: cam}
)");
	auto c = solve(count, count.policy);
	ASSERT_FALSE(c);
	ASSERT_TRUE(c.error().overflow()) << c.error().message();
	EXPECT_EQ(c.error().at(), (Source{ "sys.yaml", 8, 64 }));
	EXPECT_EQ(c.error().overflow()->what, "buffer 'many': count 281474976710656 x size 16777216");
	EXPECT_EQ(c.error().message().substr(0, c.error().message().find('\n')),
		  "sys.yaml:8:64: error: buffer 'many': count 281474976710656 x size 16777216 does not fit in 64 bits");
}

TEST(Solve, NoHeapAtAllIsUnsatisfiable)
{
	auto r = solveOne("devices:\n  - {name: cam, kind: camera}\nbuffers:\n  - {name: b, format: R8, width: 8, "
			  "height: 8, producer: cam}\n");
	ASSERT_FALSE(r.ok());
	EXPECT_TRUE(r.conflict().culprits.empty());
	EXPECT_EQ(r.conflict().explanation, std::vector<std::string>{ "The system describes no heap at all." });
}

TEST(Solve, DeterministicAcrossRuns)
{
	System sys = loadOk(kTwoHeaps + R"(
devices:
  - {name: a, kind: other, address: [{base: 0, size: 1MiB}], cache: cached}
  - {name: b, kind: other, address: [{base: 2MiB, size: 1MiB}], cache: uncached, formats: [R8]}
buffers:
  - {name: x, format: NV12, width: 8, height: 8, producer: a, consumers: [b]}
)");
	auto first = solve(sys, sys.policy);
	ASSERT_TRUE(first);
	for (int i = 0; i < 5; ++i) {
		auto again = solve(sys, sys.policy);
		ASSERT_TRUE(again);
		EXPECT_EQ(again->buffers[0].conflict().culprits, first->buffers[0].conflict().culprits);
		EXPECT_EQ(again->buffers[0].conflict().explanation, first->buffers[0].conflict().explanation);
	}
}

} // namespace
} // namespace heapsolve
