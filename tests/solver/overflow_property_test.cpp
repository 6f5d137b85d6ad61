// SPDX-License-Identifier: Apache-2.0
// Overflow properties: seeded random adversarial widths, heights, alignments, counts and region
// bounds near 2^32 and 2^64. Every answer is either a clear error or exactly what 128-bit
// arithmetic gives (tests/support/plan_check.h); a wrapped size is never returned.
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "constraints/format.h"
#include "heapsolve/loader.h"
#include "heapsolve/solver.h"
#include "solver/layout.h"
#include "tests/support/plan_check.h"

namespace heapsolve {
namespace {

using testing::kTwo64;
using testing::u128;

// Values where arithmetic goes wrong: around 2^32 and 2^64, powers of two and their neighbours,
// small numbers, and anything at all. std::mt19937_64's output is fixed by the standard, and the
// mapping below is ours, so a seed gives the same cases everywhere.
class Adversary
{
public:
	explicit Adversary(uint64_t seed) : rng_(seed) {}

	uint64_t any() { return rng_(); }
	uint64_t below(uint64_t n) { return rng_() % n; }

	uint64_t number()
	{
		const uint64_t delta = below(5);
		switch (below(8)) {
		case 0:
			return (uint64_t(1) << 32) - 2 + delta; // 2^32 - 2 .. 2^32 + 2
		case 1:
			return ~uint64_t(0) - delta; // 2^64 - 1 .. 2^64 - 5
		case 2: {
			const uint64_t p = uint64_t(1) << below(64);
			return p + delta - 1; // p - 1 .. p + 3
		}
		case 3:
			return 1 + below(5000);
		case 4:
			return (uint64_t(1) << (16 + below(17))) + below(3); // 2^16 .. 2^32 ranges
		case 5:
			return uint64_t(1) << 63 | below(4);
		case 6:
			return 1 + (any() >> below(64));
		default:
			return any() | 1;
		}
	}
	uint64_t positive()
	{
		const uint64_t v = number();
		return v == 0 ? 1 : v;
	}
	// An alignment: usually a power of two, sometimes odd or huge.
	uint64_t alignment()
	{
		switch (below(4)) {
		case 0:
			return uint64_t(1) << below(64);
		case 1:
			return 1 + below(300);
		case 2:
			return 1;
		default:
			return positive();
		}
	}

private:
	std::mt19937_64 rng_;
};

std::string hex(uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
	return buf;
}

TEST(OverflowProperty, LayoutIsExactOrAnError)
{
	const auto formats = knownFormats();
	size_t answered = 0, refused = 0;
	for (uint64_t seed = 1; seed <= 100000; ++seed) {
		Adversary adv(seed);
		const FormatInfo &f = formats[adv.below(formats.size())];
		const uint64_t width = adv.positive(), height = adv.positive();
		testing::Align128 a128{ testing::lcm128(4096, adv.alignment()), adv.alignment(), adv.alignment(),
					adv.alignment() };
		if (a128.base >= kTwo64)
			continue; // computeLayout's caller (the solver) refuses such an A_base before it
		const Alignment align{ uint64_t(a128.base), uint64_t(a128.stride), uint64_t(a128.height), uint64_t(a128.size) };
		const testing::Layout128 want = testing::layout128(f, width, height, a128);
		const auto got = computeLayout(f, width, height, align);
		const std::string what = std::string(f.name) + " " + std::to_string(width) + "x" + std::to_string(height) +
					 " align " + align.describe() + " (seed " + std::to_string(seed) + ")";
		if (want.overflow) {
			ASSERT_FALSE(got) << what << " gave size " << got->size << ", a wrapped number";
			EXPECT_TRUE(got.error().overflow()) << got.error().message();
			++refused;
			continue;
		}
		ASSERT_TRUE(got) << what << ": " << got.error().message();
		ASSERT_EQ(got->planes, want.planes) << what;
		ASSERT_EQ(u128(got->size), want.size) << what;
		++answered;
	}
	// Both sides of the boundary were really exercised.
	EXPECT_GT(answered, 10000u);
	EXPECT_GT(refused, 10000u);
}

// A whole system around one buffer, written as YAML so that the loader's checks are in the path.
struct Case {
	std::string yaml;
	bool loaderMustRefuse = false; // a window end or a region total reaches 2^64
};

Case makeCase(Adversary &adv)
{
	Case c;
	// Half the systems stay in sizes a board could have (up to ~2^40 bytes, where 32-bit products
	// wrap), half go to the 64-bit edge: both sides of every check are exercised.
	const bool moderate = adv.below(2) == 0;
	auto dimension = [&]() { return moderate ? 1 + adv.below(uint64_t(1) << (8 + adv.below(10))) : adv.positive(); };
	auto alignment = [&]() { return moderate ? uint64_t(1) << adv.below(13) : adv.alignment(); };
	auto window = [&](uint64_t base, uint64_t size) {
		if (u128(base) + size >= kTwo64)
			c.loaderMustRefuse = true;
		return "{base: " + hex(base) + ", size: " + hex(size) + "}";
	};
	auto bigWindow = [&]() {
		const uint64_t size = adv.below(3) ? adv.positive() : uint64_t(1) << 40;
		const uint64_t base = adv.below(2) ? 0 : adv.below(2) ? ~uint64_t(0) - size - adv.below(3) + 1
								      : adv.number();
		return window(base, size);
	};
	std::string y = "version: 1\nheaps:\n";
	const size_t heaps = 1 + adv.below(3);
	for (size_t h = 0; h < heaps; ++h) {
		y += "  - name: h" + std::to_string(h) + "\n    backend: dma-heap\n";
		if (adv.below(2))
			y += "    contiguous: true\n";
		if (adv.below(4))
			y += "    align: " + hex(uint64_t(4096) << adv.below(52)) + "\n";
		if (adv.below(moderate ? 4 : 2) == 0)
			y += "    max_buffer: " + hex(adv.positive()) + "\n";
		if (adv.below(4) && !(moderate && adv.below(2))) {
			y += "    regions:\n";
			u128 total = 0;
			const size_t n = 1 + adv.below(3);
			for (size_t i = 0; i < n; ++i) {
				const uint64_t size = adv.positive();
				const uint64_t base = adv.below(2) ? 0 : adv.number();
				total += size;
				y += "      - " + window(base, size) + "\n";
			}
			if (total >= kTwo64)
				c.loaderMustRefuse = true;
		}
	}
	y += "devices:\n";
	for (size_t d = 0; d < 2; ++d) {
		y += "  - name: d" + std::to_string(d) + "\n    kind: other\n";
		if (adv.below(3) == 0)
			y += "    iommu: true\n";
		y += "    align: {base: " + hex(alignment()) + ", stride: " + hex(alignment()) +
		     ", height: " + hex(alignment()) + ", size: " + hex(alignment()) + "}\n";
		if (adv.below(moderate ? 4 : 2) == 0)
			y += "    address: [" + bigWindow() + "]\n";
		if (adv.below(3) == 0)
			y += "    max_stride: " + hex(adv.positive()) + "\n";
	}
	const auto formats = knownFormats();
	y += "buffers:\n  - name: b\n    format: " + std::string(formats[adv.below(formats.size())].name) +
	     "\n    width: " + std::to_string(dimension()) + "\n    height: " + std::to_string(dimension()) +
	     "\n    count: " + std::to_string(moderate || adv.below(2) ? 1 + adv.below(8) : adv.positive()) +
	     "\n    producer: d0\n    consumers: [d1]\n";
	c.yaml = y;
	return c;
}

TEST(OverflowProperty, SolveGivesAnErrorOrAnExactPlan)
{
	size_t plans = 0, conflicts = 0, solveErrors = 0, loadErrors = 0;
	for (uint64_t seed = 1; seed <= 6000; ++seed) {
		Adversary adv(seed * 7919);
		const Case c = makeCase(adv);
		const std::vector<InputFile> files{ { "sys.yaml", c.yaml } };
		auto sys = loadSystem(files);
		if (c.loaderMustRefuse) {
			ASSERT_FALSE(sys) << "seed " << seed << ": a window end or region total >= 2^64 was loaded\n"
					  << c.yaml;
			EXPECT_TRUE(sys.error().overflow()) << sys.error().message();
			++loadErrors;
			continue;
		}
		ASSERT_TRUE(sys) << "seed " << seed << ": " << sys.error().message() << "\n"
				 << c.yaml;
		auto solution = solve(*sys, sys->policy);
		if (testing::mustOverflow(*sys, 0)) {
			ASSERT_FALSE(solution) << "seed " << seed << ": an overflowing buffer was answered\n"
					       << c.yaml;
			const Error &e = solution.error();
			ASSERT_TRUE(e.overflow()) << e.message();
			EXPECT_EQ(e.overflow()->what.rfind("buffer 'b': ", 0), 0u) << e.message();
			++solveErrors;
			continue;
		}
		ASSERT_TRUE(solution) << "seed " << seed << ": " << solution.error().message() << "\n"
				      << c.yaml;
		const BufferResult &r = solution->buffers.at(0);
		if (r.ok()) {
			const auto why = testing::planViolations(*sys, sys->policy, 0, r.plan());
			ASSERT_TRUE(why.empty()) << "seed " << seed << ": " << why.front() << "\n"
						 << c.yaml;
			++plans;
		} else {
			ASSERT_TRUE(testing::conflictJustified(*sys, sys->policy, 0))
				<< "seed " << seed << ": unsatisfiable, but a heap satisfies it\n"
				<< c.yaml;
			++conflicts;
		}
	}
	EXPECT_GT(plans, 300u);
	EXPECT_GT(conflicts, 300u);
	EXPECT_GT(solveErrors, 300u);
	EXPECT_GT(loadErrors, 300u);
	std::printf("plans %zu, conflicts %zu, solve errors %zu, load errors %zu\n", plans, conflicts, solveErrors,
		    loadErrors);
}

} // namespace
} // namespace heapsolve
