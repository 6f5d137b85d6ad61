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

// The additions of 2026-12 (docs/schema.md): page_size enters as A_base, and `chroma_stride:
// derived` takes the chroma strides from the luma stride. Every number below is worked by hand.

Layout derivedOf(const char *format, uint64_t w, uint64_t h, Alignment a)
{
	auto l = computeLayout(*findFormat(format), w, h, a, ChromaStride::Derived);
	EXPECT_TRUE(l.has_value()) << l.error().message();
	return l.value_or(Layout{});
}

TEST(Layout, SixteenKiBPagesAlignPlaneOffsetsAndSize)
{
	// NV12 1920x1080, A_base = lcm(16384, 1) = 16384: the luma plane is 1920 x 1080 = 2073600
	// bytes = 126.56 pages of 16 KiB, so the chroma plane starts at 127 x 16384 = 2080768 and
	// ends at 2080768 + 1920 x 540 = 3117568 = 190.28 pages: size 191 x 16384 = 3129344.
	Layout l = layoutOf("NV12", 1920, 1080, { 16384, 1, 1, 1 });
	ASSERT_EQ(l.planes.size(), 2u);
	EXPECT_EQ(l.planes[1], (PlaneLayout{ 2080768, 1920 }));
	EXPECT_EQ(l.end, 3117568u);
	EXPECT_EQ(l.size, 3129344u);
}

TEST(Layout, DerivedChromaStridesOf1928WideYuv420)
{
	// A_stride 64. Aligned: stride_0 = align_up(1928, 64) = 31 x 64 = 1984 and each chroma plane
	// (964 samples) align_up(964, 64) = 16 x 64 = 1024, which is not 1984 / 2 = 992.
	Layout a = layoutOf("YUV420", 1928, 1080, { 4096, 64, 1, 1 });
	ASSERT_EQ(a.planes.size(), 3u);
	EXPECT_EQ(a.planes[0], (PlaneLayout{ 0, 1984 }));
	// 1984 x 1080 = 2142720 = 523.1 pages -> 524 x 4096 = 2146304; + 1024 x 540 = 2699264 (659 pages).
	EXPECT_EQ(a.planes[1], (PlaneLayout{ 2146304, 1024 }));
	EXPECT_EQ(a.planes[2], (PlaneLayout{ 2699264, 1024 }));
	EXPECT_EQ(a.size, 3252224u); // 2699264 + 552960, 794 pages exactly

	// Derived: stride_p = stride_0 x 1 / (2 x 1) must be a multiple of 64, so stride_0 is a
	// multiple of 128, at least 1928 (and at least 964 x 2 = 1928): 16 x 128 = 2048; chroma 1024.
	Layout d = derivedOf("YUV420", 1928, 1080, { 4096, 64, 1, 1 });
	ASSERT_EQ(d.planes.size(), 3u);
	EXPECT_EQ(d.planes[0], (PlaneLayout{ 0, 2048 }));
	// 2048 x 1080 = 2211840 = 540 pages exactly; + 1024 x 540 = 552960 -> 2764800 = 675 pages.
	EXPECT_EQ(d.planes[1], (PlaneLayout{ 2211840, 1024 }));
	EXPECT_EQ(d.planes[2], (PlaneLayout{ 2764800, 1024 }));
	EXPECT_EQ(d.end, 3317760u);
	EXPECT_EQ(d.size, 3317760u); // 810 pages exactly
	EXPECT_EQ(d.naturalStrides, (std::vector<uint64_t>{ 1928, 964, 964 }));
}

TEST(Layout, DerivedStridesAtOddWidthsCoverTheRoundedUpChroma)
{
	// YUV420 1921 wide, A_stride 1: the chroma plane is ceil(1921 / 2) = 961 samples, so
	// stride_0 must be at least 961 x 2 = 1922 (and even, for 1922 / 2 to be whole).
	Layout y = derivedOf("YUV420", 1921, 2, { 4096, 1, 1, 1 });
	EXPECT_EQ(y.planes[0].stride, 1922u);
	EXPECT_EQ(y.planes[1].stride, 961u);
	EXPECT_EQ(y.planes[2].stride, 961u);
	EXPECT_EQ(layoutOf("YUV420", 1921, 2, { 4096, 1, 1, 1 }).planes[0].stride, 1921u);

	// NV12 1921 wide: w_1 x cpp_1 = 961 x 2 = 1922 differs from w_0 x cpp_0 = 1921; derived
	// gives 1922 for both planes (stride_1 = 1922 x 2 / (2 x 1)).
	Layout n = derivedOf("NV12", 1921, 2, { 4096, 1, 1, 1 });
	EXPECT_EQ(n.planes[0].stride, 1922u);
	EXPECT_EQ(n.planes[1].stride, 1922u);
	// At an even width NV12 and P010 are unchanged: 1920 / 1920 and 3840 / 3840.
	EXPECT_EQ(derivedOf("NV12", 1920, 1080, { 4096, 1, 1, 1 }).planes,
		  layoutOf("NV12", 1920, 1080, { 4096, 1, 1, 1 }).planes);
	EXPECT_EQ(derivedOf("P010", 1920, 1080, { 4096, 64, 1, 1 }).planes,
		  layoutOf("P010", 1920, 1080, { 4096, 64, 1, 1 }).planes);
}

TEST(Layout, DerivedChromaWiderThanLuma)
{
	// NV24 100 wide, A_stride 64: stride_1 = stride_0 x 2 / (1 x 1); a multiple of 64 needs
	// stride_0 a multiple of 32, and stride_0 itself of 64: align_up(100, 64) = 128, chroma 256.
	Layout l = derivedOf("NV24", 100, 2, { 4096, 64, 1, 1 });
	EXPECT_EQ(l.planes[0].stride, 128u);
	EXPECT_EQ(l.planes[1].stride, 256u);
	// YUV422 (chroma 2x1) 1928 wide, A_stride 256: stride_0 a multiple of 512 and >= 1928: 2048.
	Layout y = derivedOf("YUV422", 1928, 2, { 4096, 256, 1, 1 });
	EXPECT_EQ(y.planes[0].stride, 2048u);
	EXPECT_EQ(y.planes[1].stride, 1024u);
	EXPECT_EQ(y.planes[2].stride, 1024u);
}

TEST(Layout, DerivedLeavesSinglePlaneFormatsAlone)
{
	// XRGB8888 1928 wide: 7712 bytes, A_stride 64 -> 121 x 64 = 7744 either way.
	EXPECT_EQ(derivedOf("XRGB8888", 1928, 2, { 4096, 64, 1, 1 }).planes,
		  (std::vector<PlaneLayout>{ { 0, 7744 } }));
}

TEST(Layout, DerivedStridesOverflowIsAnErrorNotAWrap)
{
	// NV24 at 2^63 samples: stride_0 = 2^63 fits, stride_1 = 2^64 does not.
	auto wide = computeLayout(*findFormat("NV24"), uint64_t{ 1 } << 63, 1, { 4096, 1, 1, 1 }, ChromaStride::Derived);
	ASSERT_FALSE(wide);
	ASSERT_TRUE(wide.error().overflow()) << wide.error().message();
	EXPECT_EQ(wide.error().overflow()->what, "plane 1's line of 9223372036854775808 samples");
	// The stride unit itself: A_stride 2^63 x hsub 2 x cpp_0 1.
	auto unit = computeLayout(*findFormat("YUV420"), 2, 2, { 4096, uint64_t{ 1 } << 63, 1, 1 },
				  ChromaStride::Derived);
	ASSERT_FALSE(unit);
	ASSERT_TRUE(unit.error().overflow()) << unit.error().message();
	EXPECT_EQ(unit.error().overflow()->what, "plane 1's derived stride unit");
}

} // namespace
} // namespace heapsolve
