// SPDX-License-Identifier: Apache-2.0
// The pure parts of the V4L2 probe: the format table and the alignment inference from
// VIDIOC_TRY_FMT answers. The probe of real drivers runs in the VM (tests/vm/chain/probe_v4l2_test.cpp).
#include "adapters/v4l2/v4l2.h"

#include <gtest/gtest.h>
#include <linux/videodev2.h>

namespace heapsolve {
namespace {

TEST(V4l2Formats, SameLayoutNames)
{
	// pixfmt-rgb.rst: XR24 (V4L2_PIX_FMT_XBGR32) is B, G, R, X in memory: DRM's XRGB8888.
	EXPECT_STREQ(drmNameOfV4l2(V4L2_PIX_FMT_XBGR32), "XRGB8888");
	// RGB3 is R, G, B in memory: DRM's BGR888 ([23:0] B:G:R little-endian).
	EXPECT_STREQ(drmNameOfV4l2(V4L2_PIX_FMT_RGB24), "BGR888");
	EXPECT_STREQ(drmNameOfV4l2(V4L2_PIX_FMT_YUV420), "YUV420");
	EXPECT_STREQ(drmNameOfV4l2(V4L2_PIX_FMT_GREY), "R8");
	EXPECT_EQ(drmNameOfV4l2(V4L2_PIX_FMT_FWHT), nullptr) << "a bitstream has no DRM name";
	EXPECT_EQ(drmNameOfV4l2(V4L2_PIX_FMT_SBGGR8), nullptr) << "nor has Bayer";
}

// Answers of a driver that rounds the width up to 16 pixels and the height to 8 lines, in XR24.
TEST(V4l2Alignment, WidthRoundingIsStrideAlignment)
{
	std::vector<TrySample> s;
	for (auto [w, h] : { std::pair{ 97u, 61u }, { 241u, 123u }, { 333u, 247u }, { 641u, 479u } })
		s.push_back({ w, h, ((w + 15) / 16 * 16) * 4, (h + 7) / 8 * 8 });
	auto a = inferAlignment(s, 4);
	ASSERT_TRUE(a);
	EXPECT_EQ(a->stride, 64u);
	EXPECT_EQ(a->height, 8u);
}

TEST(V4l2Alignment, NoPaddingInfersNothing)
{
	std::vector<TrySample> s;
	for (auto [w, h] : { std::pair{ 97u, 61u }, { 241u, 123u } })
		s.push_back({ w, h, w * 4, h });
	auto a = inferAlignment(s, 4);
	ASSERT_TRUE(a);
	EXPECT_EQ(a->stride, 1u) << "a stride of width x cpp needs no alignment";
	EXPECT_EQ(a->height, 1u);
}

TEST(V4l2Alignment, SizesOfItsOwnOrRoundingDownInferNothing)
{
	// vivid's webcam input: every odd size answered with one of its frame sizes.
	std::vector<TrySample> snapped{ { 97, 61, 1280, 180 }, { 641, 479, 2560, 480 } };
	EXPECT_FALSE(inferAlignment(snapped, 4));
	// vim2m rounds the width down to even (vim2m.c: width &= ~(walign - 1)).
	std::vector<TrySample> down{ { 97, 61, 192, 61 }, { 241, 123, 480, 123 } };
	EXPECT_FALSE(inferAlignment(down, 2));
}

} // namespace
} // namespace heapsolve
