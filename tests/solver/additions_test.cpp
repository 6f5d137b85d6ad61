// SPDX-License-Identifier: Apache-2.0
// The schema additions of 2026-12 and the heap key capacity, applied by the solver: plans worked
// by hand from /work/shared/spec/schema.md ("Additions of 2026-12", "Layout", "Picking the heap").
#include "heapsolve/solver.h"
#include "tests/solver/test_system.h"

#include <set>
#include <utility>

#include <gtest/gtest.h>

namespace heapsolve {
namespace {

using testing::loadOk;

BufferResult solveOne(const std::string &text, size_t index = 0)
{
	System sys = loadOk(text);
	auto r = solveBuffer(sys, sys.policy, index);
	EXPECT_TRUE(r) << r.error().message();
	return r ? std::move(*r) : BufferResult{};
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

using Pairs = std::set<std::pair<std::string, std::string>>;

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

// --- page_size ---------------------------------------------------------------------------------

TEST(Additions, SixteenKiBPagesAlignPlaneOffsetsSizeAndHeaps)
{
	auto r = solveOne(R"(
page_size: 16KiB
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: dec, kind: codec, align: {base: 4KiB}}
buffers:
  - {name: b, format: NV12, width: 1920, height: 1080, producer: dec}
)");
	ASSERT_TRUE(r.ok()) << heapOf(r);
	// The heap's align defaults to 16 KiB, a multiple of lcm(16 KiB, 4 KiB): eligible.
	EXPECT_EQ(r.plan().heap.name, "system");
	// A_base = lcm(16384, 4096) = 16384. Luma 1920 x 1080 = 2073600 -> chroma at
	// align_up(2073600, 16384) = 127 x 16384 = 2080768; end 2080768 + 1920 x 540 = 3117568 ->
	// size 191 x 16384 = 3129344 (with 4 KiB pages: 2076672 and 3112960).
	ASSERT_EQ(r.plan().planes.size(), 2u);
	EXPECT_EQ(r.plan().planes[0], (PlaneLayout{ 0, 1920 }));
	EXPECT_EQ(r.plan().planes[1], (PlaneLayout{ 2080768, 1920 }));
	EXPECT_EQ(r.plan().size, 3129344u);
}

TEST(Additions, HeapAlignRuleStartsFromThePage)
{
	// The user asks for 8 KiB, the page is 32 KiB: lcm = 32 KiB, which a 32 KiB heap gives.
	auto r = solveOne(R"(
page_size: 32KiB
heaps:
  - {name: h, backend: dma-heap, align: 32KiB}
devices:
  - {name: dec, kind: codec, align: {base: 8KiB}}
buffers:
  - {name: b, format: R8, width: 64, height: 64, producer: dec}
)");
	ASSERT_TRUE(r.ok()) << heapOf(r);
	EXPECT_EQ(r.plan().size, 32768u); // 4096 bytes of pixels, one 32 KiB page
}

// --- modifiers per format ----------------------------------------------------------------------

const std::string kPerFormat = R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: dec, kind: codec, modifiers: [BROADCOM_SAND128, LINEAR]}
  - {name: gpu, kind: render, iommu: true}
  - name: hvs
    kind: display
    modifiers: {NV12: [BROADCOM_SAND128], XRGB8888: [LINEAR]}
  - name: disp
    kind: display
    planes:
      - {name: layer0, modifiers: {XRGB8888: [LINEAR]}}
buffers:
  - {name: video, format: NV12, width: 1920, height: 1080, producer: dec, consumers: [hvs]}
  - {name: ui, format: XRGB8888, width: 640, height: 480, producer: gpu, consumers: [hvs]}
  - {name: yuv, format: YUV420, width: 640, height: 480, producer: dec, consumers: [hvs]}
  - {name: onplane, format: NV12, width: 640, height: 480, producer: dec, consumers: [disp/layer0]}
)";

TEST(Additions, Sand128OnlyForNv12)
{
	// hvs takes only SAND128 for NV12: LINEAR is not common, so the producer's first common one.
	auto video = solveOne(kPerFormat, 0);
	ASSERT_TRUE(video.ok()) << heapOf(video);
	EXPECT_EQ(video.plan().modifier, "BROADCOM_SAND128");
	// For XRGB8888 the mapping gives [LINEAR]; gpu defaults to [LINEAR].
	auto ui = solveOne(kPerFormat, 1);
	ASSERT_TRUE(ui.ok()) << heapOf(ui);
	EXPECT_EQ(ui.plan().modifier, "LINEAR");
}

TEST(Additions, AMappingWithoutTheFormatIsAFormatConflictAtTheMapping)
{
	auto yuv = solveOne(kPerFormat, 2);
	// hvs refuses YUV420 and leaves the modifier rule: no modifier conflict.
	EXPECT_EQ(culprits(yuv), (Pairs{ { "hvs", "format" } }));
	ASSERT_EQ(yuv.conflict().culprits.size(), 1u);
	EXPECT_EQ(yuv.conflict().culprits[0].at.position(), "sys.yaml:10:5"); // the key `modifiers` of hvs
	// On a plane, the conflict names device/plane; the plane's user leaves the modifier rule.
	auto onplane = solveOne(kPerFormat, 3);
	EXPECT_EQ(culprits(onplane), (Pairs{ { "disp/layer0", "format" } }));
}

TEST(Additions, AFormatsListAndAMappingThatBothLackTheFormatGiveOneConflictEach)
{
	auto r = solveOne(R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: dec, kind: codec}
  - {name: hvs, kind: display, formats: [XRGB8888], modifiers: {XRGB8888: [LINEAR]}}
buffers:
  - {name: b, format: NV12, width: 64, height: 64, producer: dec, consumers: [hvs]}
)");
	ASSERT_FALSE(r.ok());
	size_t formatConflicts = 0;
	for (const Culprit &c : r.conflict().culprits)
		formatConflicts += c.user == "hvs" && c.rule == Rule::Format;
	EXPECT_EQ(formatConflicts, 2u);
}

// --- chroma_stride: derived --------------------------------------------------------------------

const std::string kCoda = R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: coda, kind: codec, align: {stride: 8, height: 16}, chroma_stride: CHROMA}
  - {name: ipu, kind: display}
buffers:
  - {name: b, format: YUV420, width: 1928, height: 1080, producer: coda, consumers: [ipu]}
)";

std::string withChroma(const std::string &how)
{
	std::string text = kCoda;
	text.replace(text.find("CHROMA"), 6, how);
	return text;
}

TEST(Additions, DerivedChromaStridesOf1928WideYuv420)
{
	auto r = solveOne(withChroma("derived"));
	ASSERT_TRUE(r.ok()) << heapOf(r);
	// H = 1088; stride_1 = stride_0 / 2 must be a multiple of 8: stride_0 = 1936, chroma 968.
	// Offsets: 1936 x 1088 = 2106368 -> 2109440; + 968 x 544 = 2636032 -> 2637824;
	// end 3164416 -> size 3166208 (profiles/imx6q-coda/README.md).
	EXPECT_EQ(r.plan().planes, (std::vector<PlaneLayout>{ { 0, 1936 }, { 2109440, 968 }, { 2637824, 968 } }));
	EXPECT_EQ(r.plan().size, 3166208u);

	// Aligned each on its own: 1928 and align_up(964, 8) = 968.
	auto aligned = solveOne(withChroma("aligned"));
	ASSERT_TRUE(aligned.ok()) << heapOf(aligned);
	EXPECT_EQ(aligned.plan().planes[0].stride, 1928u);
	EXPECT_EQ(aligned.plan().planes[1].stride, 968u);
}

// --- capacity ----------------------------------------------------------------------------------

const std::string kCapacity = R"(
memory:
  - {base: 0x40000000, size: 1GiB}
heaps:
  - {name: cma, backend: dma-heap, contiguous: true, regions: [{base: 0x40000000, size: 256MiB}], capacity: 16MiB}
devices:
  - {name: disp, kind: display, contiguous: true}
buffers:
  - {name: two, format: XRGB8888, width: 1920, height: 1080, count: 2, producer: disp}
  - {name: three, format: XRGB8888, width: 1920, height: 1080, count: 3, producer: disp}
)";

TEST(Additions, CapacityBoundsCountTimesSize)
{
	// size = 7680 x 1080 = 8294400; 2 x 8294400 = 16588800 <= 16 MiB (16777216) < 3 x 8294400.
	auto two = solveOne(kCapacity, 0);
	ASSERT_TRUE(two.ok()) << heapOf(two);
	EXPECT_EQ(two.plan().heap.name, "cma");
	auto three = solveOne(kCapacity, 1);
	EXPECT_EQ(culprits(three), (Pairs{ { "cma", "size" } }));
	ASSERT_FALSE(three.ok());
	EXPECT_EQ(three.conflict().culprits[0].at.position(), "sys.yaml:6:109"); // the capacity value
}

TEST(Additions, CapacityOrdersHeaps)
{
	// No memory: heaps without regions have unknown regions.
	auto r = solveOne(R"(
heaps:
  - {name: a-capped, backend: dma-heap, regions: [{base: 0x40000000, size: 512MiB}], capacity: 64MiB}
  - {name: b-small, backend: dma-heap, regions: [{base: 0x60000000, size: 128MiB}]}
  - {name: c-cap-only, backend: dma-heap, capacity: 32MiB}
  - {name: d-unknown, backend: dma-heap}
devices:
  - {name: gpu, kind: render}
buffers:
  - {name: b, format: R8, width: 64, height: 64, producer: gpu}
)");
	ASSERT_TRUE(r.ok()) << heapOf(r);
	// Totals: a 512 MiB capped to 64 MiB; b 128 MiB; c 32 MiB (capacity, regions unknown); d unknown
	// (larger than any number): d, b, a, c.
	std::vector<std::string> order{ r.plan().heap.name };
	for (const HeapChoice &h : r.plan().others)
		order.push_back(h.name);
	EXPECT_EQ(order, (std::vector<std::string>{ "d-unknown", "b-small", "a-capped", "c-cap-only" }));
}

} // namespace
} // namespace heapsolve
