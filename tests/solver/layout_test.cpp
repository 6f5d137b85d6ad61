// SPDX-License-Identifier: Apache-2.0
#include "solver/layout.h"

#include <gtest/gtest.h>

namespace heapsolve {
namespace {

Layout layoutOf(const char *format, uint64_t w, uint64_t h, Alignment a)
{
	auto l = computeLayout(*findFormat(format), w, h, a);
	EXPECT_TRUE(l.has_value()) << l.error().message();
	return l.value_or(Layout{});
}

TEST(Layout, Nv12FromTheSpecExample)
{
	// cedrus: align {base: 8KiB, stride: 32, height: 16, size: 4KiB}; A_base = lcm(4096, 8KiB).
	Layout l = layoutOf("NV12", 1920, 1080, { 8192, 32, 16, 4096 });
	EXPECT_EQ(l.alignedHeight, 1088u);
	ASSERT_EQ(l.planes.size(), 2u);
	EXPECT_EQ(l.planes[0], (PlaneLayout{ 0, 1920 }));
	EXPECT_EQ(l.planes[1], (PlaneLayout{ 2088960, 1920 }));
	EXPECT_EQ(l.size, 3137536u);
}

TEST(Layout, SubsampledPlanesRoundUp)
{
	// 33x17 YUV420: chroma is ceil(33/2) = 17 samples wide, ceil(17/2) = 9 lines high.
	Layout l = layoutOf("YUV420", 33, 17, { 4096, 1, 1, 1 });
	ASSERT_EQ(l.planes.size(), 3u);
	EXPECT_EQ(l.planes[0], (PlaneLayout{ 0, 33 }));
	EXPECT_EQ(l.planes[1], (PlaneLayout{ 4096, 17 }));
	EXPECT_EQ(l.planes[2], (PlaneLayout{ 8192, 17 }));
	EXPECT_EQ(l.planeHeights, (std::vector<uint64_t>{ 17, 9, 9 }));
	EXPECT_EQ(l.end, 8192u + 17 * 9);
	EXPECT_EQ(l.size, 12288u);
}

TEST(Layout, StrideAlignmentAppliesToEveryPlane)
{
	// One stride alignment for all planes (a known simplification of schema 1).
	Layout l = layoutOf("NV12", 1000, 10, { 4096, 256, 1, 1 });
	EXPECT_EQ(l.planes[0].stride, 1024u);
	EXPECT_EQ(l.planes[1].stride, 1024u);
	EXPECT_EQ(l.naturalStrides, (std::vector<uint64_t>{ 1000, 1000 }));
	Layout p = layoutOf("P010", 1920, 1080, { 4096, 1, 1, 1 });
	EXPECT_EQ(p.planes[0].stride, 3840u);
	EXPECT_EQ(p.planes[1].stride, 3840u);
	// 3840 x 1080 = 4147200 = 1012.5 pages: the chroma plane starts at page 1013.
	EXPECT_EQ(p.planes[1].offset, 1013u * 4096);
	// 4149248 + 3840 x 540 = 6222848 = 1519.25 pages: the size rounds up to 1520 pages.
	EXPECT_EQ(p.size, 1520u * 4096);
}

TEST(Layout, SizeAlignmentCombinesWithBase)
{
	Layout l = layoutOf("R8", 1, 1, { 4096, 1, 1, 1u << 20 });
	EXPECT_EQ(l.size, 1u << 20);
	Layout m = layoutOf("R8", 1, 1, { 12288, 1, 1, 8192 });
	EXPECT_EQ(m.size, 24576u) << "lcm(12288, 8192)";
	Layout rgb = layoutOf("RGB888", 7, 3, { 4096, 4, 1, 1 });
	EXPECT_EQ(rgb.planes[0].stride, 24u);
	EXPECT_EQ(rgb.size, 4096u);
}

TEST(Layout, EveryOverflowIsReportedNeverWrapped)
{
	const uint64_t big = uint64_t{ 1 } << 62;
	auto line = computeLayout(*findFormat("XRGB8888"), big, 1, { 4096, 1, 1, 1 });
	ASSERT_FALSE(line);
	ASSERT_TRUE(line.error().overflow());
	EXPECT_EQ(line.error().overflow()->what, "plane 0's line of 4611686018427387904 samples");
	EXPECT_EQ(line.error().message(), "error: plane 0's line of 4611686018427387904 samples does not fit in 64 bits");
	auto plane = computeLayout(*findFormat("R8"), uint64_t{ 1 } << 32, uint64_t{ 1 } << 32, { 4096, 1, 1, 1 });
	ASSERT_FALSE(plane);
	EXPECT_EQ(plane.error().overflow()->what, "plane 0 (stride 4294967296 x 4294967296 lines)");
	auto height = computeLayout(*findFormat("R8"), 1, UINT64_MAX, { 4096, 1, 2, 1 });
	ASSERT_FALSE(height);
	EXPECT_EQ(height.error().overflow()->what.rfind("the height", 0), 0u) << height.error().message();
	auto size = computeLayout(*findFormat("R8"), UINT64_MAX - 10, 1, { 4096, 1, 1, 1 });
	ASSERT_FALSE(size);
	EXPECT_EQ(size.error().overflow()->what.rfind("the buffer size", 0), 0u) << size.error().message();
	// Just below the edge: 2^32 x (2^32 - 1) bytes is exact and fits.
	auto fits = computeLayout(*findFormat("R8"), uint64_t{ 1 } << 32, (uint64_t{ 1 } << 32) - 1, { 4096, 1, 1, 1 });
	ASSERT_TRUE(fits) << fits.error().message();
	EXPECT_EQ(fits->size, (uint64_t{ 1 } << 32) * ((uint64_t{ 1 } << 32) - 1));
}

} // namespace
} // namespace heapsolve
