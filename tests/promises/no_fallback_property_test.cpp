// SPDX-License-Identifier: Apache-2.0
// Promise: never a silent fallback to a heap that breaks a constraint. For seeded random systems
// (heaps with and without regions, contiguity, cache modes, protection, alignments, size limits;
// devices with IOMMU or windows, planes, formats, modifiers, stride limits; policies that prefer or
// forbid), every plan's heap and every `others` heap is re-judged against every eligibility
// condition by tests/support/plan_check.h, which shares no code with the solver; no eligible heap
// may be missing, and an unsatisfiable answer must be justified by a failing rule.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "heapsolve/loader.h"
#include "heapsolve/solver.h"
#include "tests/support/plan_check.h"

namespace heapsolve {
namespace {

class Gen
{
public:
	explicit Gen(uint64_t seed) : rng_(seed) {}
	uint64_t below(uint64_t n) { return rng_() % n; }
	bool chance(uint64_t percent) { return below(100) < percent; }
	template<typename T>
	const T &pick(const std::vector<T> &v) { return v[below(v.size())]; }

	// Windows on a small grid of 256 MiB steps so that they meet, nest and miss each other often.
	std::string windows(size_t max)
	{
		std::string out = "[";
		const size_t n = 1 + below(max);
		for (size_t i = 0; i < n; ++i) {
			const uint64_t base = below(16) << 28;
			const uint64_t size = (1 + below(8)) << (24 + below(5));
			out += (i ? ", " : "") + std::string("{base: ") + std::to_string(base) + ", size: " + std::to_string(size) + "}";
		}
		return out + "]";
	}
	std::string list(const std::vector<std::string> &from, size_t max)
	{
		std::vector<std::string> chosen;
		const size_t n = 1 + below(max);
		for (size_t i = 0; i < n; ++i) {
			const std::string &s = pick(from);
			if (std::find(chosen.begin(), chosen.end(), s) == chosen.end())
				chosen.push_back(s);
		}
		std::string out = "[";
		for (size_t i = 0; i < chosen.size(); ++i)
			out += (i ? ", " : "") + chosen[i];
		return out + "]";
	}

private:
	std::mt19937_64 rng_;
};

const std::vector<std::string> kFormats{ "NV12", "XRGB8888", "YUV420", "P010", "RGB565", "R8", "NV16" };
const std::vector<std::string> kModifiers{ "LINEAR", "ALLWINNER_TILED", "BROADCOM_UIF", "0x1" };
const std::vector<std::string> kBackends{ "dma-heap", "drm-dumb", "udmabuf" };

std::string randomSystem(Gen &g)
{
	std::string y = "version: 1\n";
	if (g.chance(60))
		y += "memory: " + g.windows(2) + "\n";
	y += "heaps:\n";
	const size_t heaps = 1 + g.below(4);
	for (size_t h = 0; h < heaps; ++h) {
		y += "  - name: h" + std::to_string(h) + "\n    backend: " + g.pick(kBackends) + "\n";
		if (g.chance(40))
			y += "    contiguous: true\n";
		if (g.chance(50))
			y += "    regions: " + g.windows(2) + "\n";
		if (g.chance(25))
			y += "    cached: false\n";
		if (g.chance(10))
			y += "    protected: true\n";
		if (g.chance(30))
			y += "    align: " + std::to_string(4096u << g.below(9)) + "\n";
		if (g.chance(30))
			y += "    max_buffer: " + std::to_string((1 + g.below(64)) << 20) + "\n";
	}
	y += "devices:\n";
	const size_t devices = 2 + g.below(3);
	for (size_t d = 0; d < devices; ++d) {
		y += "  - name: d" + std::to_string(d) + "\n    kind: codec\n";
		const bool iommu = g.chance(30);
		if (iommu)
			y += "    iommu: true\n";
		if (g.chance(35))
			y += "    address: " + g.windows(2) + "\n";
		if (g.chance(25))
			y += "    contiguous: true\n";
		if (g.chance(50))
			y += "    align: {base: " + std::to_string(1u << g.below(16)) + ", stride: " +
			     std::to_string(1u << g.below(9)) + ", height: " + std::to_string(1 + g.below(32)) +
			     ", size: " + std::to_string(1u << g.below(14)) + "}\n";
		if (g.chance(10))
			y += "    max_stride: " + std::to_string(1024 + g.below(8192)) + "\n";
		if (g.chance(20))
			y += "    formats: " + g.list(kFormats, 5) + "\n";
		if (g.chance(20))
			y += "    modifiers: " + g.list(kModifiers, 3) + "\n";
		if (g.chance(30))
			y += std::string("    cache: ") + (g.chance(50) ? "cached" : g.chance(50) ? "uncached"
												  : "any") +
			     "\n";
		if (g.chance(25))
			y += "    protected: true\n";
		if (g.chance(25)) {
			y += "    planes:\n";
			const size_t planes = 1 + g.below(2);
			for (size_t p = 0; p < planes; ++p) {
				y += "      - name: p" + std::to_string(p) + "\n";
				if (g.chance(70))
					y += "        address: " + g.windows(1) + "\n";
				if (g.chance(30))
					y += "        formats: " + g.list(kFormats, 3) + "\n";
				if (g.chance(20))
					y += "        contiguous: true\n";
				if (g.chance(20))
					y += "        align: {base: " + std::to_string(1u << g.below(14)) + "}\n";
			}
		}
	}
	y += "buffers:\n";
	const size_t buffers = 1 + g.below(3);
	for (size_t b = 0; b < buffers; ++b) {
		const size_t producer = g.below(devices);
		y += "  - name: b" + std::to_string(b) + "\n    format: " + g.pick(kFormats) + "\n    width: " +
		     std::to_string(1 + g.below(4096)) + "\n    height: " + std::to_string(1 + g.below(2160)) +
		     "\n    producer: d" + std::to_string(producer) + "\n";
		if (g.chance(50))
			y += "    count: " + std::to_string(1 + g.below(8)) + "\n";
		if (g.chance(5))
			y += "    protected: true\n";
		std::string consumers;
		for (size_t d = 0; d < devices; ++d)
			if (d != producer && g.chance(50))
				consumers += (consumers.empty() ? "" : ", ") + std::string("d") + std::to_string(d);
		if (!consumers.empty())
			y += "    consumers: [" + consumers + "]\n";
	}
	if (g.chance(50)) {
		y += "policy:\n";
		const bool prefer = g.chance(60);
		if (prefer)
			y += "  prefer: [h" + std::to_string(g.below(heaps)) + "]\n";
		if (!prefer || g.chance(50))
			y += "  forbid_backends: [" + g.pick(kBackends) + "]\n";
	}
	return y;
}

TEST(NoFallbackProperty, EveryListedHeapSatisfiesEveryRule)
{
	size_t plans = 0, conflicts = 0, badInput = 0, heapsChecked = 0;
	for (uint64_t seed = 1; seed <= 3000; ++seed) {
		Gen g(seed);
		const std::string yaml = randomSystem(g);
		const std::vector<InputFile> files{ { "sys.yaml", yaml } };
		auto sys = loadSystem(files);
		if (!sys) {
			// The generator writes valid schema 1 only; say what it got wrong.
			if (badInput++ < 3)
				std::printf("seed %llu: %s\n", static_cast<unsigned long long>(seed), sys.error().message().c_str());
			continue;
		}
		auto solution = solve(*sys, sys->policy);
		ASSERT_TRUE(solution) << "seed " << seed << ": " << solution.error().message() << "\n"
				      << yaml;
		for (size_t b = 0; b < solution->buffers.size(); ++b) {
			const BufferResult &r = solution->buffers[b];
			if (r.ok()) {
				const auto why = testing::planViolations(*sys, sys->policy, b, r.plan());
				ASSERT_TRUE(why.empty()) << "seed " << seed << ", buffer " << r.name << ": " << why.front() << "\n"
							 << yaml;
				++plans;
				heapsChecked += 1 + r.plan().others.size();
			} else {
				ASSERT_TRUE(testing::conflictJustified(*sys, sys->policy, b))
					<< "seed " << seed << ", buffer " << r.name << ": unsatisfiable, yet a heap satisfies it\n"
					<< yaml;
				ASSERT_FALSE(r.conflict().culprits.empty()) << "seed " << seed;
				++conflicts;
			}
		}
	}
	std::printf("plans %zu (%zu heaps re-judged), conflicts %zu, bad input %zu\n", plans, heapsChecked, conflicts,
		    badInput);
	EXPECT_GT(plans, 800u);
	EXPECT_GT(conflicts, 1500u);
	EXPECT_EQ(badInput, 0u);
}

} // namespace
} // namespace heapsolve
