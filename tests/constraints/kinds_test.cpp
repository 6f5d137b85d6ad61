// SPDX-License-Identifier: Apache-2.0
// The merge rule of every kind but address windows (see address_window_test.cpp), and its laws.
#include <gtest/gtest.h>

#include "constraints/constraint_set.h"
#include "tests/constraints/merge_laws.h"

namespace heapsolve {
namespace {

TEST(Alignment, MergeTakesTheLeastCommonMultipleOfEachKind)
{
	auto m = merge(Alignment{ 8192, 32, 16, 4096 }, Alignment{ 4096, 48, 2, 1 });
	ASSERT_TRUE(m);
	EXPECT_EQ(*m, (Alignment{ 8192, 96, 16, 4096 }));
}

TEST(Alignment, MergeBeyond64BitsIsAConflict)
{
	const uint64_t bigPrime = 18446744073709551557u; // the largest prime below 2^64
	auto m = merge(Alignment{ bigPrime, 1, 1, 1 }, Alignment{ 3, 1, 1, 1 });
	ASSERT_FALSE(m);
	ASSERT_TRUE(m.error().overflow()) << m.error().message();
	EXPECT_EQ(m.error().overflow()->what.rfind("the common multiple of the alignments", 0), 0u);
}

TEST(Alignment, MergeLaws)
{
	testing::expectMergeLaws<Alignment>({ {}, { 4096, 64, 16, 1 }, { 8192, 256, 2, 4096 }, { 12288, 3, 1, 1 },
					      { 65536, 1, 32, 1048576 } });
}

TEST(Contiguity, StrictestWins)
{
	EXPECT_TRUE(merge(Contiguity{ false }, Contiguity{ true })->required);
	EXPECT_FALSE(merge(Contiguity{ false }, Contiguity{ false })->required);
	testing::expectMergeLaws<Contiguity>({ { false }, { true } });
}

TEST(MaxStride, MinimumOfTheMaxima)
{
	EXPECT_EQ(merge(MaxStride{ 8192 }, MaxStride{ 4096 })->limit, 4096u);
	EXPECT_EQ(merge(MaxStride{}, MaxStride{ 4096 })->limit, 4096u);
	EXPECT_FALSE(merge(MaxStride{}, MaxStride{})->limit.has_value());
	testing::expectMergeLaws<MaxStride>({ {}, { 4096 }, { 8192 }, { 65535 } });
}

TEST(FormatSet, IntersectsAndKeepsTheFirstOrder)
{
	auto m = merge(FormatSet::of({ "NV12", "YUV420", "XRGB8888" }), FormatSet::of({ "XRGB8888", "NV12" }));
	ASSERT_TRUE(m);
	EXPECT_EQ(m->names(), (std::vector<std::string>{ "NV12", "XRGB8888" }));
	EXPECT_TRUE(merge(FormatSet::of({ "NV12" }), FormatSet::of({ "NV21" }))->isEmpty());
	EXPECT_TRUE(merge(FormatSet::any(), FormatSet::any())->isAny());
	testing::expectMergeLaws<FormatSet>({ FormatSet::any(), FormatSet::of({}), FormatSet::of({ "NV12" }),
					      FormatSet::of({ "NV12", "YUV420" }), FormatSet::of({ "YUV420", "R8" }) });
}

TEST(ModifierSet, NamesCompareAsWritten)
{
	auto m = merge(ModifierSet::of({ "LINEAR" }), ModifierSet::of({ "0x0" }));
	ASSERT_TRUE(m);
	EXPECT_TRUE(m->isEmpty()) << "0x0 is not LINEAR: modifiers compare as strings";
	testing::expectMergeLaws<ModifierSet>({ ModifierSet::any(), ModifierSet::of({ "LINEAR" }),
						ModifierSet::of({ "ALLWINNER_TILED", "LINEAR" }),
						ModifierSet::of({ "0x0100000000000001" }) });
}

TEST(ModifierSet, ValidNames)
{
	for (const char *good : { "LINEAR", "ALLWINNER_TILED", "ARM_AFBC_16X16", "0x0", "0xffffffffffffffff", "0xA" })
		EXPECT_TRUE(isValidModifierName(good)) << good;
	for (const char *bad : { "", "linear", "Linear", "DRM_FORMAT_MOD_LINEAR", "_LINEAR", "9X", "0x", "0x00000000000000000",
				 "0xg", "LINEAR-2", "0X10" })
		EXPECT_FALSE(isValidModifierName(bad)) << bad;
}

TEST(CacheMode, AnyIsNeutralCachedWithUncachedConflicts)
{
	using V = CacheMode::Value;
	EXPECT_EQ(merge(CacheMode{ V::Any }, CacheMode{ V::Cached })->value, V::Cached);
	EXPECT_EQ(merge(CacheMode{ V::Uncached }, CacheMode{ V::Any })->value, V::Uncached);
	auto c = merge(CacheMode{ V::Cached }, CacheMode{ V::Uncached });
	ASSERT_FALSE(c);
	ASSERT_TRUE(c.error().mergeConflict()) << c.error().message();
	EXPECT_EQ(c.error().mergeConflict()->kind, "cache");
	EXPECT_EQ(c.error().mergeConflict()->why, "cached and uncached mappings cannot both hold");
	testing::expectMergeLaws<CacheMode>({ { V::Any }, { V::Cached }, { V::Uncached } });
}

TEST(Protection, EveryUserMustBeAbleToAccess)
{
	EXPECT_FALSE(merge(Protection{ true }, Protection{ false })->canAccess);
	testing::expectMergeLaws<Protection>({ { true }, { false } });
}

TEST(ConstraintSet, MergesKindByKind)
{
	ConstraintSet codec;
	codec.address = AddressWindows::of({ { 0x40000000, 0x50000000 } });
	codec.contiguous.required = true;
	codec.align = { 8192, 32, 16, 4096 };
	codec.formats = FormatSet::of({ "NV12", "YUV420" });
	ConstraintSet display;
	display.address = AddressWindows::of({ { 0, 0x80000000 } });
	display.align = { 4096, 256, 1, 1 };
	display.maxStride.limit = 8192;
	display.cache.value = CacheMode::Value::Uncached;
	auto m = merge(codec, display);
	ASSERT_TRUE(m);
	EXPECT_EQ(m->address, codec.address);
	EXPECT_TRUE(m->contiguous.required);
	EXPECT_EQ(m->align, (Alignment{ 8192, 256, 16, 4096 }));
	EXPECT_EQ(m->maxStride.limit, 8192u);
	EXPECT_EQ(m->cache.value, CacheMode::Value::Uncached);
	EXPECT_EQ(*merge(display, codec), *m);

	ConstraintSet cpu;
	cpu.cache.value = CacheMode::Value::Cached;
	EXPECT_FALSE(merge(*m, cpu).has_value());
}

} // namespace
} // namespace heapsolve
