// SPDX-License-Identifier: Apache-2.0
// The merge rule of every kind but address windows (see address_window_test.cpp), and its laws;
// the sourced merge and the fold that the solver runs over the users of a buffer.
#include <gtest/gtest.h>

#include "constraints/constraint_set.h"
#include "heapsolve/system.h"
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
	testing::expectMergeLaws<Alignment>({ {}, { 4096, 64, 16, 1 }, { 8192, 256, 2, 4096 }, { 12288, 3, 1, 1 }, { 65536, 1, 32, 1048576 } });
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
	EXPECT_EQ(m->names(), (std::vector<std::string_view>{ "NV12", "XRGB8888" }));
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
	codec.get<AddressWindows>() = AddressWindows::of({ { 0x40000000, 0x50000000 } });
	codec.get<Contiguity>().required = true;
	codec.get<Alignment>() = { 8192, 32, 16, 4096 };
	codec.get<FormatSet>() = FormatSet::of({ "NV12", "YUV420" });
	ConstraintSet display;
	display.get<AddressWindows>() = AddressWindows::of({ { 0, 0x80000000 } });
	display.get<Alignment>() = { 4096, 256, 1, 1 };
	display.get<MaxStride>().limit = 8192;
	display.get<CacheMode>().value = CacheMode::Value::Uncached;
	auto m = merge(codec, display);
	ASSERT_TRUE(m);
	EXPECT_EQ(m->get<AddressWindows>(), codec.get<AddressWindows>());
	EXPECT_TRUE(m->get<Contiguity>().required);
	EXPECT_EQ(m->get<Alignment>(), (Alignment{ 8192, 256, 16, 4096 }));
	EXPECT_EQ(m->get<MaxStride>().limit, 8192u);
	EXPECT_EQ(m->get<CacheMode>().value, CacheMode::Value::Uncached);
	EXPECT_EQ(*merge(display, codec), *m);

	ConstraintSet cpu;
	cpu.get<CacheMode>().value = CacheMode::Value::Cached;
	EXPECT_FALSE(merge(*m, cpu).has_value());
}

TEST(Writers, UniteInOrderPast64)
{
	Writers w = Writers::of(3);
	w.add(130);
	w.add(0);
	w.add(64);
	EXPECT_TRUE(w.has(64) && w.has(130) && !w.has(1) && !w.has(129));
	std::vector<size_t> seen;
	(w | Writers::of(70)).forEach([&](size_t i) { seen.push_back(i); });
	EXPECT_EQ(seen, (std::vector<size_t>{ 0, 3, 64, 70, 130 }));
	EXPECT_EQ(Writers::of(130) | Writers::of(3), Writers::of(3) | Writers::of(130));
	EXPECT_TRUE(Writers().empty());
}

TEST(Sourced, TheIdentityNamesNoWriter)
{
	EXPECT_TRUE(Sourced<CacheMode>::of({ CacheMode::Value::Any }, 4).by.empty());
	EXPECT_EQ(Sourced<CacheMode>::of({ CacheMode::Value::Cached }, 4).by, Writers::of(4));
	EXPECT_TRUE(Sourced<FormatSet>::of(FormatSet::any(), 1).by.empty());
	EXPECT_EQ(Sourced<FormatSet>::of(FormatSet::of({}), 1).by, Writers::of(1)) << "an empty list restricts";
}

TEST(Sourced, AConflictNamesEveryWriterOfItsKind)
{
	using V = CacheMode::Value;
	auto m = merge(Sourced<CacheMode>::of({ V::Cached }, 0), Sourced<CacheMode>::of({ V::Uncached }, 2));
	ASSERT_FALSE(m);
	const MergeConflict *c = m.error().mergeConflict();
	ASSERT_TRUE(c) << m.error().message();
	EXPECT_EQ(c->kind, "cache");
	EXPECT_EQ(c->why, "cached and uncached mappings cannot both hold");
	EXPECT_EQ(c->culprits, Writers::of(0) | Writers::of(2));

	// The fold the solver runs: writers before and after the point of conflict are culprits, a
	// writer who restricts nothing (`any`) is not.
	Fold<CacheMode> fold;
	fold.add(CacheMode{ V::Cached }, 0);
	fold.add(CacheMode{ V::Any }, 1);
	fold.add(CacheMode{ V::Uncached }, 2);
	fold.add(CacheMode{ V::Cached }, 3);
	fold.add(CacheMode{ V::Any }, 4);
	ASSERT_FALSE(fold.ok());
	EXPECT_EQ(fold.writers(), Writers::of(0) | Writers::of(2) | Writers::of(3));
}

TEST(Sourced, FoldingTakesOrCopiesTheSameValue)
{
	// The fold moves a value in when it is the first restriction (merge(K{}, v) == v) and copies
	// it otherwise; both give merge()'s answer.
	std::vector<std::string> codecList{ "NV12", "YUV420" }, displayList{ "XRGB8888", "NV12" };
	const FormatSet codec = FormatSet::viewing(codecList), display = FormatSet::viewing(displayList);
	Fold<FormatSet> moved, copied;
	moved.add(FormatSet(codec), 0);
	moved.add(FormatSet(display), 1);
	copied.add(codec, 0);
	copied.add(display, 1);
	ASSERT_TRUE(moved.ok() && copied.ok());
	EXPECT_EQ(moved.value().names(), (std::vector<std::string_view>{ "NV12" }));
	EXPECT_EQ(*moved.result(), *copied.result());
	EXPECT_EQ(*moved.result(), *merge(Sourced<FormatSet>::of(codec, 0), Sourced<FormatSet>::of(display, 1)));
	EXPECT_EQ(moved.value().names().front().data(), codecList[0].data()) << "names are views, not copies";
}

TEST(ConstraintFold, FoldsEveryKindAndKeepsFoldingPastAConflict)
{
	ConstraintSet camera, plane, display;
	camera.get<CacheMode>().value = CacheMode::Value::Cached;
	camera.get<FormatSet>() = FormatSet::of({ "NV12", "YUV420" });
	plane.get<Alignment>().stride = 64;
	display.get<CacheMode>().value = CacheMode::Value::Uncached;
	display.get<FormatSet>() = FormatSet::of({ "NV12" });
	display.get<Alignment>().stride = 256;
	ConstraintFold fold;
	fold.add(camera, 0);
	fold.add(plane, 1);
	fold.add(display, 2);
	EXPECT_FALSE(fold.get<CacheMode>().ok());
	EXPECT_EQ(fold.get<CacheMode>().writers(), Writers::of(0) | Writers::of(2));
	ASSERT_TRUE(fold.get<FormatSet>().ok());
	EXPECT_EQ(fold.get<FormatSet>().value(), FormatSet::of({ "NV12" }));
	EXPECT_EQ(fold.get<FormatSet>().writers(), Writers::of(0) | Writers::of(2));
	EXPECT_EQ(fold.get<Alignment>().value().stride, 256u);
	EXPECT_EQ(fold.get<Alignment>().writers(), Writers::of(1) | Writers::of(2));
	EXPECT_TRUE(fold.get<Protection>().writers().empty());
	// Kind by kind, what the fold gives is what merge() of the sets gives, where that succeeds.
	auto noCache = display;
	noCache.get<CacheMode>() = {};
	auto m = merge(*merge(camera, plane), noCache);
	ASSERT_TRUE(m);
	EXPECT_EQ(m->get<FormatSet>(), fold.get<FormatSet>().value());
	EXPECT_EQ(m->get<Alignment>(), fold.get<Alignment>().value());
}

TEST(RuleSet, ConstraintsSayWhereEachKindWasWritten)
{
	RuleSet r;
	r.address = WindowList{ { Window{ 0, 0x1000, { "b.yaml", 4, 7 } } }, { "b.yaml", 4, 3 } };
	r.contiguous = Located<bool>{ true, { "b.yaml", 5, 3 }, true };
	r.alignStride = Located<uint64_t>{ 64, { "b.yaml", 6, 3 }, true };
	r.alignBase = Located<uint64_t>{ 8192, { "b.yaml", 7, 3 }, true };
	r.formats = Located<std::vector<std::string>>{ { "NV12" }, { "b.yaml", 8, 3 }, true };
	WrittenConstraints w = r.constraints(false);
	EXPECT_EQ(w.values.get<AddressWindows>(), AddressWindows::of({ { 0, 0x1000 } }));
	ASSERT_NE(w.where<AddressWindows>(), nullptr);
	EXPECT_EQ(w.where<AddressWindows>()->line, 4);
	EXPECT_EQ(w.where<Contiguity>()->line, 5);
	EXPECT_EQ(w.values.get<Alignment>(), (Alignment{ 8192, 64, 1, 1 }));
	EXPECT_EQ(w.where<Alignment>()->line, 7) << "the base's line comes first";
	EXPECT_EQ(w.where<FormatSet>()->line, 8);
	EXPECT_EQ(w.values.get<FormatSet>().names().front().data(), r.formats->value[0].data());
	EXPECT_EQ(w.where<CacheMode>(), nullptr);
	EXPECT_EQ(w.where<Protection>(), nullptr) << "protection is the device's, not a rule set's";

	WrittenConstraints iommu = r.constraints(true);
	EXPECT_TRUE(iommu.values.get<AddressWindows>().isAnywhere());
	EXPECT_FALSE(iommu.values.get<Contiguity>().required);
	EXPECT_EQ(iommu.where<AddressWindows>(), nullptr);
	EXPECT_EQ(iommu.values.get<Alignment>(), (Alignment{ 8192, 64, 1, 1 })) << "alignment holds behind an IOMMU";
}

} // namespace
} // namespace heapsolve
