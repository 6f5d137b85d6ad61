// SPDX-License-Identifier: Apache-2.0
// The schema additions of 2026-12 as the loader reads them: page_size, heap capacity, modifiers
// per format and chroma_stride. Every rejection names FILE:LINE:COLUMN; positions are computed
// from the input text, not counted by hand.
#include <gtest/gtest.h>

#include "heapsolve/loader.h"

namespace heapsolve {
namespace {

Result<System> parse(std::vector<InputFile> files)
{
	return parseSystem(files);
}

// "FILE:LINE:COLUMN" of the first `token` on line `line` (1-based) of `text`.
std::string at(const std::string &file, const std::string &text, int line, const std::string &token, int n = 0)
{
	size_t start = 0;
	for (int l = 1; l < line; ++l)
		start = text.find('\n', start) + 1;
	const std::string row = text.substr(start, text.find('\n', start) - start);
	size_t col = row.find(token);
	for (int i = 0; i < n && col != std::string::npos; ++i)
		col = row.find(token, col + 1);
	EXPECT_NE(col, std::string::npos) << token << " not on line " << line;
	return file + ":" + std::to_string(line) + ":" + std::to_string(col + 1);
}

std::string errorOf(std::vector<InputFile> files)
{
	auto r = parse(std::move(files));
	return r ? "(loaded without error)" : r.error().message();
}

void expectError(const std::string &text, int line, const std::string &token, const std::string &what)
{
	EXPECT_EQ(errorOf({ { "board.yaml", text } }), at("board.yaml", text, line, token) + ": error: " + what)
		<< text;
}

// --- page_size -------------------------------------------------------------------------------

TEST(PageSize, DefaultsTo4096AndSetsEveryDefaultedHeapAlign)
{
	auto plain = parse({ { "a.yaml", "version: 1\nheaps:\n  - {name: system, backend: dma-heap}\n" } });
	ASSERT_TRUE(plain) << plain.error().message();
	EXPECT_EQ(plain->pageSize.value, 4096u);
	EXPECT_FALSE(plain->pageSize.written);
	EXPECT_EQ(plain->heaps[0].align.value, 4096u);

	// page_size in the second file still sets the first file's defaulted heap align, and `at`
	// stays the heap's line.
	auto big = parse({ { "board.yaml", "version: 1\nheaps:\n  - {name: system, backend: dma-heap}\n" },
			   { "kernel.yaml", "version: 1\npage_size: 16KiB\n" } });
	ASSERT_TRUE(big) << big.error().message();
	EXPECT_EQ(big->pageSize.value, 16384u);
	EXPECT_TRUE(big->pageSize.written);
	EXPECT_EQ(big->pageSize.at.position(), "kernel.yaml:2:12");
	EXPECT_EQ(big->heaps[0].align.value, 16384u);
	EXPECT_FALSE(big->heaps[0].align.written);
	EXPECT_EQ(big->heaps[0].align.at.position(), "board.yaml:3:5");

	auto large = parse({ { "a.yaml", "version: 1\npage_size: 0x10000\n"
					 "heaps:\n  - {name: cma, backend: dma-heap, align: 128KiB}\n" } });
	ASSERT_TRUE(large) << large.error().message();
	EXPECT_EQ(large->pageSize.value, 65536u);
	EXPECT_EQ(large->heaps[0].align.value, 131072u);
}

TEST(PageSize, IsAPowerOfTwoOfAtLeast4096)
{
	const std::string small = "version: 1\npage_size: 2048\n";
	expectError(small, 2, "2048", "page_size must be a power of two of at least 4096, not 2048");
	const std::string odd = "version: 1\npage_size: 12KiB\n";
	expectError(odd, 2, "12KiB", "page_size must be a power of two of at least 4096, not 12288");
	const std::string zero = "version: 1\npage_size: 0\n";
	expectError(zero, 2, "0", "'page_size' must be positive");
	const std::string quoted = "version: 1\npage_size: \"4096\"\n";
	expectError(quoted, 2, "\"4096\"", "'page_size' must be a plain number, without quotes or tag ('4096')");
	const std::string list = "version: 1\npage_size: [4096]\n";
	expectError(list, 2, "[4096]", "'page_size' must be a number");
}

TEST(PageSize, MayAppearInOneFileOnly)
{
	const std::string second = "version: 1\npage_size: 4KiB\n";
	EXPECT_EQ(errorOf({ { "a.yaml", "version: 1\npage_size: 16KiB\n" }, { "b.yaml", second } }),
		  at("b.yaml", second, 2, "page_size") +
			  ": error: 'page_size' is already given at a.yaml:2:1 (it may appear in one file only)");
}

TEST(PageSize, AHeapAlignNotAMultipleIsReportedAtTheAlignEvenWhenPageSizeComesLater)
{
	const std::string board = "version: 1\nheaps:\n  - {name: cma, backend: dma-heap, align: 8KiB}\n";
	EXPECT_EQ(errorOf({ { "board.yaml", board }, { "kernel.yaml", "version: 1\npage_size: 16KiB\n" } }),
		  at("board.yaml", board, 3, "8KiB") +
			  ": error: heap 'cma': align 8192 is not a multiple of page_size 16384 (kernel.yaml:2:12)");
	// The same heap is fine with 4 KiB or 8 KiB pages.
	EXPECT_TRUE(parse({ { "board.yaml", board }, { "kernel.yaml", "version: 1\npage_size: 8KiB\n" } }));
	// Schema 1's own rule still comes first, where it is written.
	const std::string bad = "version: 1\npage_size: 16KiB\nheaps:\n  - {name: cma, backend: dma-heap, align: 6000}\n";
	expectError(bad, 4, "6000", "a heap's align must be a multiple of 4096, not 6000");
}

// --- capacity --------------------------------------------------------------------------------

TEST(Capacity, IsAPositiveNumberOnAHeap)
{
	const std::string text = "version: 1\n"
				 "heaps:\n"
				 "  - {name: cma, backend: dma-heap, contiguous: true, capacity: 64MiB,\n"
				 "     regions: [{base: 0, size: 1GiB}]}\n"
				 "  - {name: system, backend: dma-heap}\n";
	auto sys = parse({ { "a.yaml", text } });
	ASSERT_TRUE(sys) << sys.error().message();
	ASSERT_TRUE(sys->heaps[0].capacity);
	EXPECT_EQ(sys->heaps[0].capacity->value, 64u << 20);
	EXPECT_EQ(sys->heaps[0].capacity->at.position(), at("a.yaml", text, 3, "64MiB"));
	EXPECT_FALSE(sys->heaps[1].capacity);

	const std::string zero = "version: 1\nheaps:\n  - {name: cma, backend: dma-heap, capacity: 0}\n";
	expectError(zero, 3, "0}", "'capacity' must be positive");
	const std::string device = "version: 1\ndevices:\n  - {name: vpu, kind: codec, capacity: 1MiB}\n";
	expectError(device, 3, "capacity",
		    "unknown key 'capacity' in a device (known: name, kind, iommu, address, contiguous, align, "
		    "max_stride, formats, modifiers, cache, chroma_stride, protected, planes)");
}

TEST(Capacity, OrderingTotalIsTheSmallerOfCapacityAndRegions)
{
	auto sys = parse({ { "a.yaml", "version: 1\n"
				       "heaps:\n"
				       "  - {name: pool, backend: dma-heap, capacity: 64MiB, regions: [{base: 0, size: 1GiB}]}\n"
				       "  - {name: tight, backend: dma-heap, capacity: 2GiB, regions: [{base: 0, size: 1GiB}]}\n"
				       "  - {name: floating, backend: dma-heap, capacity: 32MiB}\n"
				       "  - {name: unknown, backend: dma-heap}\n" } });
	ASSERT_TRUE(sys) << sys.error().message();
	EXPECT_EQ(sys->heaps[0].orderingTotal(), std::optional<uint64_t>(64u << 20));
	EXPECT_EQ(sys->heaps[1].orderingTotal(), std::optional<uint64_t>(1u << 30));
	EXPECT_EQ(sys->heaps[2].orderingTotal(), std::optional<uint64_t>(32u << 20));
	EXPECT_EQ(sys->heaps[3].orderingTotal(), std::nullopt);
	// Regions taken from memory count as known.
	auto mem = parse({ { "a.yaml", "version: 1\nmemory: [{base: 0, size: 512MiB}]\n"
				       "heaps:\n  - {name: pool, backend: dma-heap, capacity: 1GiB}\n" } });
	ASSERT_TRUE(mem) << mem.error().message();
	EXPECT_EQ(mem->heaps[0].orderingTotal(), std::optional<uint64_t>(512u << 20));
}

// --- modifiers per format --------------------------------------------------------------------

const char *kVc4 = "version: 1\n"
		   "devices:\n"
		   "  - name: vc4\n"
		   "    kind: display\n"
		   "    modifiers: {NV12: [BROADCOM_SAND128, LINEAR], XRGB8888: [BROADCOM_UIF, LINEAR]}\n"
		   "    planes:\n"
		   "      - name: overlay0\n"
		   "        modifiers:\n"
		   "          YUV420: [LINEAR]\n"
		   "          NV12: [LINEAR]\n";

TEST(ModifiersPerFormat, AMappingKeepsEachFormatsListInOrder)
{
	auto sys = parse({ { "b.yaml", kVc4 } });
	ASSERT_TRUE(sys) << sys.error().message();
	const Device &d = sys->devices[0];
	// No plain list, and no default [LINEAR] either: the mapping is the device's modifier rule.
	EXPECT_FALSE(d.rules.modifiers);
	ASSERT_TRUE(d.rules.modifiersPerFormat);
	EXPECT_EQ(d.rules.modifiersPerFormat->at.position(), at("b.yaml", kVc4, 5, "modifiers"));
	ASSERT_EQ(d.rules.modifiersPerFormat->value.size(), 2u);
	EXPECT_EQ(d.rules.modifiersPerFormat->value[1].format, "XRGB8888");
	EXPECT_EQ(d.rules.modifiersPerFormat->value[1].at.position(), at("b.yaml", kVc4, 5, "XRGB8888"));
	const auto *nv12 = d.rules.modifiersFor("NV12");
	ASSERT_TRUE(nv12);
	EXPECT_EQ(nv12->value, (std::vector<std::string>{ "BROADCOM_SAND128", "LINEAR" }));
	EXPECT_EQ(nv12->at.position(), at("b.yaml", kVc4, 5, "[BROADCOM_SAND128"));
	EXPECT_FALSE(d.rules.modifiersFor("YUV420"));
	EXPECT_TRUE(d.rules.mappingRefuses("YUV420"));
	EXPECT_FALSE(d.rules.mappingRefuses("NV12"));

	const Plane &p = d.planes[0];
	ASSERT_TRUE(p.rules.modifiersFor("YUV420"));
	EXPECT_EQ(p.rules.modifiersFor("YUV420")->value, (std::vector<std::string>{ "LINEAR" }));
	EXPECT_TRUE(p.rules.mappingRefuses("XRGB8888"));

	// A device with neither form still defaults to [LINEAR]; a plain list refuses no format.
	auto plain = parse({ { "c.yaml", "version: 1\ndevices:\n  - {name: gpu, kind: render}\n" } });
	ASSERT_TRUE(plain);
	ASSERT_TRUE(plain->devices[0].rules.modifiersFor("NV12"));
	EXPECT_EQ(plain->devices[0].rules.modifiersFor("NV12")->value, (std::vector<std::string>{ "LINEAR" }));
	EXPECT_FALSE(plain->devices[0].rules.mappingRefuses("NV12"));
}

TEST(ModifiersPerFormat, BadMappingsAreErrorsAtTheValue)
{
	const std::string notList = "version: 1\ndevices:\n  - {name: d, kind: display, modifiers: {NV12: LINEAR}}\n";
	expectError(notList, 3, "LINEAR", "the modifiers of format 'NV12' must be a list, such as [LINEAR]");
	const std::string empty = "version: 1\ndevices:\n  - {name: d, kind: display, modifiers: {NV12: []}}\n";
	expectError(empty, 3, "[]",
		    "the modifiers of format 'NV12' must not be empty (leave the format out if the device does not "
		    "take it)");
	const std::string emptyMap = "version: 1\ndevices:\n  - {name: d, kind: display, modifiers: {}}\n";
	expectError(emptyMap, 3, "{}}", "'modifiers' must not be empty (leave the key out to mean [LINEAR])");
	const std::string badName = "version: 1\ndevices:\n  - {name: d, kind: display, modifiers: {NV12: [linear]}}\n";
	expectError(badName, 3, "linear",
		    "bad modifier 'linear' (an uppercase DRM_FORMAT_MOD_ name without that prefix, such as LINEAR, "
		    "or 0x followed by 1 to 16 hex digits)");
	const std::string twice = "version: 1\ndevices:\n  - {name: d, kind: display, modifiers: {NV12: [LINEAR, LINEAR]}}\n";
	EXPECT_EQ(errorOf({ { "board.yaml", twice } }),
		  at("board.yaml", twice, 3, "LINEAR", 1) + ": error: 'LINEAR' appears twice in 'modifiers of NV12' (first at " +
			  at("board.yaml", twice, 3, "LINEAR") + ")");
	const std::string sameFormat =
		"version: 1\ndevices:\n  - {name: d, kind: display, modifiers: {NV12: [LINEAR], NV12: [LINEAR]}}\n";
	EXPECT_EQ(errorOf({ { "board.yaml", sameFormat } }),
		  at("board.yaml", sameFormat, 3, "NV12", 1) + ": error: key 'NV12' given twice in the per-format "
							       "'modifiers' (first at " +
			  at("board.yaml", sameFormat, 3, "NV12") + ")");
	const std::string noValue = "version: 1\ndevices:\n  - {name: d, kind: display, modifiers: {NV12: }}\n";
	expectError(noValue, 3, "NV12", "key 'NV12' has no value");
	const std::string scalar = "version: 1\ndevices:\n  - {name: d, kind: display, modifiers: LINEAR}\n";
	expectError(scalar, 3, "LINEAR",
		    "'modifiers' must be a list, or a mapping from format to list such as {NV12: [LINEAR]}");
	const std::string onPlane = "version: 1\ndevices:\n  - name: d\n    kind: display\n    planes:\n"
				    "      - {name: p, modifiers: {NV12: 0x0}}\n";
	expectError(onPlane, 6, "0x0", "the modifiers of format 'NV12' must be a list, such as [LINEAR]");
}

// --- chroma_stride ---------------------------------------------------------------------------

TEST(ChromaStride, AlignedOrDerivedOnADeviceOrAPlane)
{
	const std::string text = "version: 1\ndevices:\n"
				 "  - {name: vdec, kind: codec, chroma_stride: derived}\n"
				 "  - name: disp\n    kind: display\n    chroma_stride: aligned\n"
				 "    planes:\n      - {name: video, chroma_stride: derived}\n"
				 "  - {name: gpu, kind: render}\n";
	auto sys = parse({ { "d.yaml", text } });
	ASSERT_TRUE(sys) << sys.error().message();
	ASSERT_TRUE(sys->devices[0].rules.chromaStride);
	EXPECT_EQ(sys->devices[0].rules.chromaStride->value, ChromaStride::Derived);
	EXPECT_EQ(sys->devices[0].rules.chromaStride->at.position(), at("d.yaml", text, 3, "derived"));
	EXPECT_EQ(sys->devices[1].rules.chromaStride->value, ChromaStride::Aligned);
	EXPECT_EQ(sys->devices[1].planes[0].rules.chromaStride->value, ChromaStride::Derived);
	EXPECT_FALSE(sys->devices[2].rules.chromaStride);

	const std::string bad = "version: 1\ndevices:\n  - {name: d, kind: codec, chroma_stride: luma}\n";
	expectError(bad, 3, "luma", "chroma_stride must be aligned or derived, not 'luma'");
	const std::string heap = "version: 1\nheaps:\n  - {name: h, backend: dma-heap, chroma_stride: derived}\n";
	expectError(heap, 3, "chroma_stride",
		    "unknown key 'chroma_stride' in a heap (known: name, backend, path, contiguous, regions, cached, "
		    "protected, align, max_buffer, capacity)");
}

// --- the solver applies them: loadSystem() refuses none ----------------------------------------

TEST(Additions, LoadSystemTakesEveryAddition)
{
	auto loads = [](const std::string &text) {
		auto r = loadSystem(std::vector<InputFile>{ { "e.yaml", text } });
		return r ? std::string("(loaded)") : r.error().message();
	};
	EXPECT_EQ(loads("version: 1\npage_size: 16KiB\n"), "(loaded)");
	EXPECT_EQ(loads("version: 1\nheaps:\n  - {name: cma, backend: dma-heap, capacity: 1MiB}\n"), "(loaded)");
	EXPECT_EQ(loads("version: 1\ndevices:\n  - {name: d, kind: display, modifiers: {NV12: [LINEAR]}}\n"),
		  "(loaded)");
	EXPECT_EQ(loads("version: 1\ndevices:\n  - name: d\n    kind: codec\n    planes:\n"
			"      - {name: p, chroma_stride: derived}\n"),
		  "(loaded)");
	// A heap align that is not a multiple of page_size is still bad input, at the heap's align.
	EXPECT_NE(loads("version: 1\npage_size: 16KiB\nheaps:\n  - {name: h, backend: dma-heap, align: 4KiB}\n"),
		  "(loaded)");
}

} // namespace
} // namespace heapsolve
