// SPDX-License-Identifier: Apache-2.0
// Explanations that fix things: minimal conflicts (checked by their defining property), suggestions
// (checked by applying them), copy splits (checked to be valid and minimal).
#include "solver/explain.h"

#include <gtest/gtest.h>

#include "heapsolve/loader.h"
#include "heapsolve/solver.h"

namespace heapsolve {
namespace {

System load(const std::vector<std::string> &texts)
{
	std::vector<InputFile> files;
	for (size_t i = 0; i < texts.size(); ++i)
		files.push_back({ "f" + std::to_string(i) + ".yaml", "version: 1\n" + texts[i] });
	auto sys = loadSystem(files);
	EXPECT_TRUE(sys) << sys.error().message();
	return sys ? std::move(*sys) : System{};
}

BufferResult solveFirst(const System &sys)
{
	auto sol = solve(sys, sys.policy);
	EXPECT_TRUE(sol) << sol.error().message();
	return sol ? sol->buffers.at(0) : BufferResult{};
}

// The defining property of a minimal conflict: with only its pairs enforced (every other culprit
// waived) the buffer still fails, and waiving any one more of its pairs makes it solve.
void expectMinimal(const System &sys, const Conflict &c)
{
	ASSERT_FALSE(c.minimal.empty());
	auto key = [](const Culprit &k) { return std::pair{ k.user, k.rule == Rule::Plane ? Rule::Address : k.rule }; };
	Relaxation others;
	for (const Culprit &k : c.culprits) {
		bool inMinimal = false;
		for (const Culprit &m : c.minimal)
			inMinimal |= key(m) == key(k);
		if (!inMinimal)
			others.waived.push_back({ k.user, k.rule });
	}
	auto still = solveBuffer(sys, sys.policy, 0, others);
	ASSERT_TRUE(still);
	EXPECT_FALSE(still->ok()) << "the minimal pairs alone must still conflict";
	for (const Culprit &m : c.minimal) {
		Relaxation one = others;
		one.waived.push_back({ m.user, m.rule });
		one.waived.push_back({ m.user, m.rule == Rule::Plane ? Rule::Address : m.rule == Rule::Address ? Rule::Plane
													       : m.rule });
		auto r = solveBuffer(sys, sys.policy, 0, one);
		ASSERT_TRUE(r);
		EXPECT_TRUE(r->ok()) << "waiving " << m.user << " " << ruleName(m.rule) << " should make it solve";
	}
}

TEST(Explain, MinimalConflictOfDisjointWindows)
{
	System sys = load({ R"(
heaps:
  - {name: cma, backend: dma-heap, contiguous: true, regions: [{base: 0, size: 1GiB}]}
  - {name: wc, backend: dma-heap, cached: false}
devices:
  - {name: a, kind: other, address: [{base: 0, size: 1MiB}]}
  - {name: b, kind: other, address: [{base: 2MiB, size: 1MiB}], formats: [R8, NV12]}
buffers:
  - {name: buf, format: R8, width: 64, height: 64, producer: a, consumers: [b]}
)" });
	BufferResult r = solveFirst(sys);
	ASSERT_FALSE(r.ok());
	const Conflict &c = r.conflict();
	EXPECT_GT(c.culprits.size(), c.minimal.size());
	expectMinimal(sys, c);
}

TEST(Explain, MinimalConflictOfManyRules)
{
	System sys = load({ R"(
heaps:
  - {name: system, backend: dma-heap, regions: [{base: 0, size: 8GiB}]}
  - {name: cma, backend: dma-heap, contiguous: true, align: 4KiB, regions: [{base: 0, size: 256MiB}]}
  - {name: card, backend: drm-dumb}
devices:
  - {name: vpu, kind: codec, contiguous: true, align: {base: 64KiB}, address: [{base: 0, size: 4GiB}]}
  - {name: disp, kind: display, cache: uncached}
  - {name: cpu, kind: cpu, cache: cached}
buffers:
  - {name: buf, format: NV12, width: 1920, height: 1080, producer: vpu, consumers: [disp, cpu]}
policy:
  forbid_backends: [drm-dumb]
)" });
	BufferResult r = solveFirst(sys);
	ASSERT_FALSE(r.ok());
	expectMinimal(sys, r.conflict());
}

TEST(Explain, SuggestsAPlaneAndTheSuggestionSolves)
{
	const std::string devices = R"(
heaps:
  - {name: vram0, backend: dma-heap, contiguous: true, regions: [{base: 0x7f000000, size: 16MiB}]}
devices:
  - {name: gpu, kind: render, iommu: true}
  - name: lvc
    kind: display
    planes:
      - {name: layer0, address: [{base: 0x7f000000, size: 16MiB}]}
      - {name: layer1, address: [{base: 0x80000000, size: 16MiB}]}
)";
	System sys = load({ devices, "buffers:\n  - {name: fb, format: XRGB8888, width: 64, height: 64, producer: gpu, "
				     "consumers: [lvc]}\n" });
	BufferResult r = solveFirst(sys);
	ASSERT_FALSE(r.ok());
	ASSERT_TRUE(r.conflict().suggestion);
	EXPECT_EQ(*r.conflict().suggestion, "name the plane the buffer is for: write 'lvc/layer0' instead of 'lvc' as the "
					    "consumer of buffer 'fb'; it then goes to heap vram0.");
	System fixed = load({ devices, "buffers:\n  - {name: fb, format: XRGB8888, width: 64, height: 64, producer: gpu, "
				       "consumers: [lvc/layer0]}\n" });
	EXPECT_TRUE(solveFirst(fixed).ok());
}

TEST(Explain, SuggestsAllowingAForbiddenBackend)
{
	const std::string base = R"(
heaps:
  - {name: card0, backend: drm-dumb}
devices:
  - {name: disp, kind: display}
buffers:
  - {name: fb, format: XRGB8888, width: 64, height: 64, producer: disp}
)";
	System sys = load({ base + "policy:\n  forbid_backends: [drm-dumb]\n" });
	BufferResult r = solveFirst(sys);
	ASSERT_FALSE(r.ok());
	ASSERT_TRUE(r.conflict().suggestion);
	EXPECT_EQ(r.conflict().suggestion->rfind("allow the drm-dumb backend: remove it from policy.forbid_backends (f0.yaml:10)", 0),
		  0u)
		<< *r.conflict().suggestion;
	EXPECT_TRUE(solveFirst(load({ base })).ok());
}

TEST(Explain, SuggestsACmaHeapWhoseDescriptionSolves)
{
	const std::string board = R"(
memory:
  - {base: 0, size: 0xf0000000}
  - {base: 0x100000000, size: 0x110000000}
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: rga, kind: other, address: [{base: 0, size: 4GiB}], align: {base: 64KiB}}
  - {name: vop, kind: display, iommu: true}
buffers:
  - {name: overlay, format: NV12, width: 1920, height: 1080, count: 3, producer: rga, consumers: [vop]}
)";
	System sys = load({ board });
	BufferResult r = solveFirst(sys);
	ASSERT_FALSE(r.ok());
	ASSERT_TRUE(r.conflict().suggestion);
	const std::string &s = *r.conflict().suggestion;
	EXPECT_NE(s.find("compatible = \"shared-dma-pool\"; reusable; size = <0x0 0x900000>; alloc-ranges = <0x0 0x0 0x0 "
			 "0xf0000000>; alignment = <0x0 0x10000>;"),
		  std::string::npos)
		<< s;
	// 3 x 3 MiB: with 64 KiB base alignment NV12 1080p is 48 x 64 KiB; the pool is 9 MiB.
	// Apply the suggestion as written: append the heap it describes and solve again.
	const std::string marker = "describe it in heaps: ";
	const size_t from = s.find(marker) + marker.size();
	const std::string heap = s.substr(from, s.find("}]}", from) + 3 - from);
	System fixed = load({ board, "heaps:\n  - " + heap + "\n" });
	BufferResult after = solveFirst(fixed);
	ASSERT_TRUE(after.ok()) << heap;
	EXPECT_EQ(after.plan().heap.name, "overlay-pool");
}

// A CMA pool of 64 MiB somewhere in the lowest 1 GiB (schema.md, capacity): a buffer too large
// for the pool but not for its range fails only on `capacity`, so the suggestion grows it.
const std::string kPoolBoard = R"(
heaps:
  - name: cma
    backend: dma-heap
    contiguous: true
    regions: [{base: 0, size: 1GiB}]
    capacity: 64MiB
devices:
  - {name: cam, kind: camera, contiguous: true}
  - {name: disp, kind: display, contiguous: true}
)";

TEST(Explain, SuggestsGrowingAPoolsCapacityAndTheGrownPoolSolves)
{
	// R8 4096x1000: stride 4096 (a multiple of every default alignment), size 4096 x 1000 =
	// 4,096,000 bytes, already a multiple of 4096; 17 of them are 69,632,000 bytes = 66.4 MiB,
	// over the 64 MiB capacity and far under the 1 GiB region. Rounded up to 4 MiB: 17 x 4 MiB =
	// 68 MiB = 0x4400000.
	const std::string buffer = "buffers:\n  - {name: frames, format: R8, width: 4096, height: 1000, count: 17, producer: cam, "
				   "consumers: [disp]}\n";
	System sys = load({ kPoolBoard + buffer });
	BufferResult r = solveFirst(sys);
	ASSERT_FALSE(r.ok());
	ASSERT_TRUE(r.conflict().suggestion);
	EXPECT_EQ(*r.conflict().suggestion,
		  "grow heap cma: its capacity is 64MiB (f0.yaml:8) and the buffer needs count x size = 69632000 bytes; "
		  "with capacity: 68MiB (rounded up to 4 MiB, as a CMA pool's size must be a multiple of "
		  "CMA_MIN_ALIGNMENT_BYTES) it goes to heap cma. Raise the `size` of its reserved-memory node in the "
		  "device tree to <0x0 0x4400000> (or boot with cma=68M when it is the default CMA area) and write that "
		  "capacity in heaps.");
	// Apply it: the pool with capacity 68MiB holds the buffer; 67MiB (one MiB short of the
	// rounding, still over 66.4 MiB) would too, 66MiB would not: the need is 69,632,000 bytes.
	std::string grown = kPoolBoard;
	grown.replace(grown.find("capacity: 64MiB"), 15, "capacity: 68MiB");
	BufferResult after = solveFirst(load({ grown + buffer }));
	ASSERT_TRUE(after.ok());
	EXPECT_EQ(after.plan().heap.name, "cma");
	grown.replace(grown.find("capacity: 68MiB"), 15, "capacity: 66MiB");
	EXPECT_FALSE(solveFirst(load({ grown + buffer })).ok());
}

TEST(Explain, NoCapacitySuggestionWhenTheRegionsAreTooSmallToo)
{
	// 17 x 4,096,000 bytes do not fit the 64 MiB region either: growing the capacity alone
	// proves nothing, so it is not suggested.
	std::string board = kPoolBoard;
	board.replace(board.find("size: 1GiB"), 10, "size: 64MiB");
	const std::string buffer = "buffers:\n  - {name: frames, format: R8, width: 4096, height: 1000, count: 17, producer: cam, "
				   "consumers: [disp]}\n";
	BufferResult r = solveFirst(load({ board + buffer }));
	ASSERT_FALSE(r.ok());
	EXPECT_EQ(r.conflict().suggestion.value_or("").find("grow heap"), std::string::npos) << r.conflict().suggestion.value_or("");
}

TEST(Explain, CopySplitIsMinimalAndValid)
{
	// Heaps in three areas; consumers whose windows each reach one or two of them.
	const std::string sys = R"(
heaps:
  - {name: low, backend: dma-heap, regions: [{base: 0, size: 1GiB}]}
  - {name: mid, backend: dma-heap, regions: [{base: 1GiB, size: 1GiB}]}
  - {name: high, backend: dma-heap, regions: [{base: 2GiB, size: 1GiB}]}
devices:
  - {name: p, kind: camera, iommu: true}
  - {name: a, kind: other, address: [{base: 0, size: 1GiB}]}
  - {name: b, kind: other, address: [{base: 0, size: 1GiB}]}
  - {name: c, kind: other, address: [{base: 1GiB, size: 1GiB}]}
  - {name: d, kind: other, address: [{base: 2GiB, size: 1GiB}]}
  - {name: e, kind: other, address: [{base: 0, size: 2GiB}]}
buffers:
  - {name: buf, format: R8, width: 64, height: 64, producer: p, consumers: [a, c, b, d, e]}
)";
	BufferResult r = solveFirst(load({ sys }));
	ASSERT_FALSE(r.ok());
	const auto &split = r.conflict().split;
	ASSERT_EQ(split.size(), 3u);
	EXPECT_EQ(split[0], (SplitGroup{ "low", { "p", "a", "b", "e" } }));
	EXPECT_EQ(split[1], (SplitGroup{ "mid", { "c" } }));
	EXPECT_EQ(split[2], (SplitGroup{ "high", { "d" } }));
}

TEST(Explain, CopySplitVerifiesGroupsThatArePairwiseCompatible)
{
	// a, b and c meet pairwise but not all three: the coloring (no edges, one group) fails
	// verification and the exact search finds two groups.
	const std::string sys = R"(
heaps:
  - {name: h01, backend: dma-heap, regions: [{base: 0, size: 1MiB}]}
  - {name: h12, backend: dma-heap, regions: [{base: 1MiB, size: 1MiB}]}
  - {name: h23, backend: dma-heap, regions: [{base: 2MiB, size: 1MiB}]}
devices:
  - {name: p, kind: camera, iommu: true}
  - {name: a, kind: other, address: [{base: 0, size: 2MiB}]}
  - {name: b, kind: other, address: [{base: 1MiB, size: 2MiB}]}
  - {name: c, kind: other, address: [{base: 0, size: 1MiB}, {base: 2MiB, size: 1MiB}]}
buffers:
  - {name: buf, format: R8, width: 64, height: 64, producer: p, consumers: [a, b, c]}
)";
	BufferResult r = solveFirst(load({ sys }));
	ASSERT_FALSE(r.ok());
	const auto &split = r.conflict().split;
	ASSERT_EQ(split.size(), 2u);
	EXPECT_EQ(split[0], (SplitGroup{ "h12", { "p", "a", "b" } }));
	EXPECT_EQ(split[1], (SplitGroup{ "h01", { "c" } }));
}

TEST(Explain, NoSplitWhenAUserFailsAlone)
{
	BufferResult r = solveFirst(load({ R"(
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: p, kind: camera}
  - {name: q, kind: display, formats: [XRGB8888]}
buffers:
  - {name: buf, format: NV12, width: 64, height: 64, producer: p, consumers: [q]}
)" }));
	ASSERT_FALSE(r.ok());
	EXPECT_TRUE(r.conflict().split.empty()) << "q refuses NV12 even alone: no copy helps";
	ASSERT_TRUE(r.conflict().suggestion.has_value());
	EXPECT_EQ(*r.conflict().suggestion, "leave q out of the consumers of buffer 'buf' (it cannot use this buffer, and "
					    "no copy it could use is allowed); the others then share heap system.");
}

} // namespace
} // namespace heapsolve
