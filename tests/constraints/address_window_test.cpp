// SPDX-License-Identifier: Apache-2.0
#include "constraints/address_window.h"

#include <gtest/gtest.h>

#include "tests/constraints/merge_laws.h"

namespace heapsolve {
namespace {

constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kGiB = uint64_t{ 1 } << 30;

TEST(AddressWindows, AdjacentAndOverlappingRangesJoin)
{
	auto w = AddressWindows::of({ { 0, kGiB }, { kGiB, 2 * kGiB }, { 3 * kGiB, 4 * kGiB }, { 3 * kGiB + 5, 3 * kGiB + 9 } });
	ASSERT_EQ(w.ranges().size(), 2u);
	EXPECT_EQ(w.ranges()[0], (AddressRange{ 0, 2 * kGiB }));
	EXPECT_EQ(w.ranges()[1], (AddressRange{ 3 * kGiB, 4 * kGiB }));
	EXPECT_EQ(w.describe(), "[0x0, 0x80000000) + [0xc0000000, 0x100000000)");
}

TEST(AddressWindows, MergeIntersects)
{
	auto ve = AddressWindows::of({ { 0x40000000, 0x40000000 + 256 * kMiB } });
	auto low1g = AddressWindows::of({ { 0, kGiB + 0x40000000 } });
	auto merged = merge(ve, low1g);
	ASSERT_TRUE(merged);
	EXPECT_EQ(*merged, ve);

	auto high = AddressWindows::of({ { 4 * kGiB, 8 * kGiB } });
	auto low = AddressWindows::of({ { 0, 4 * kGiB } });
	auto none = merge(high, low);
	ASSERT_TRUE(none) << "an empty intersection is a value, not a MergeConflict";
	EXPECT_TRUE(none->isEmpty());
	EXPECT_EQ(none->describe(), "no address");

	EXPECT_EQ(*merge(AddressWindows::anywhere(), high), high) << "anywhere is the identity";
}

TEST(AddressWindows, MergeAcrossSeveralRanges)
{
	auto a = AddressWindows::of({ { 0, 10 }, { 20, 30 }, { 40, 50 } });
	auto b = AddressWindows::of({ { 5, 25 }, { 45, 100 } });
	EXPECT_EQ(*merge(a, b), AddressWindows::of({ { 5, 10 }, { 20, 25 }, { 45, 50 } }));
}

TEST(AddressWindows, ContainsChecksEveryAddress)
{
	auto windows = AddressWindows::of({ { 0, 100 }, { 200, 300 } });
	EXPECT_TRUE(windows.contains(AddressWindows::of({ { 0, 100 } })));
	EXPECT_TRUE(windows.contains(AddressWindows::of({ { 10, 20 }, { 250, 300 } })));
	EXPECT_FALSE(windows.contains(AddressWindows::of({ { 50, 150 } }))) << "straddles a gap";
	EXPECT_FALSE(windows.contains(AddressWindows::of({ { 250, 301 } })));
	EXPECT_FALSE(windows.contains(AddressWindows::anywhere())) << "unknown regions lie in no finite window";
	EXPECT_TRUE(AddressWindows::anywhere().contains(windows));
	// Two written windows that join cover a region spanning their seam.
	EXPECT_TRUE(AddressWindows::of({ { 0, 50 }, { 50, 100 } }).contains(AddressWindows::of({ { 40, 60 } })));
}

TEST(AddressWindows, MergeLaws)
{
	testing::expectMergeLaws<AddressWindows>({
		AddressWindows::anywhere(),
		AddressWindows::of({}),
		AddressWindows::of({ { 0, 4 * kGiB } }),
		AddressWindows::of({ { 4 * kGiB, 8 * kGiB } }),
		AddressWindows::of({ { 0x40000000, 0x50000000 }, { 0x80000000, 0x90000000 } }),
		AddressWindows::of({ { 0x48000000, 0x88000000 } }),
		AddressWindows::of({ { 0, UINT64_MAX } }),
	});
}

} // namespace
} // namespace heapsolve
