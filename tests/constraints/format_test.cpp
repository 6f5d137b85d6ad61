// SPDX-License-Identifier: Apache-2.0
#include "constraints/format.h"

#include <gtest/gtest.h>

namespace heapsolve {
namespace {

TEST(FormatTable, HasEveryFormatOfSchema1)
{
	EXPECT_EQ(knownFormats().size(), 29u);
	for (const char *name : { "R8", "RGB565", "BGR565", "YUYV", "YVYU", "UYVY", "VYUY", "RGB888", "BGR888",
				  "XRGB8888", "ARGB8888", "XBGR8888", "ABGR8888", "RGBX8888", "RGBA8888", "XRGB2101010",
				  "ARGB2101010", "NV12", "NV21", "NV16", "NV61", "NV24", "NV42", "P010", "YUV420",
				  "YVU420", "YUV422", "YVU422", "YUV444" })
		EXPECT_NE(findFormat(name), nullptr) << name;
	EXPECT_EQ(findFormat("nv12"), nullptr);
	EXPECT_EQ(findFormat("MT21"), nullptr);
}

TEST(FormatTable, PlaneGeometry)
{
	const FormatInfo *nv12 = findFormat("NV12");
	ASSERT_EQ(nv12->planes.size(), 2u);
	EXPECT_EQ(nv12->planes[1].cpp, 2u);
	EXPECT_EQ(nv12->planes[1].hsub, 2u);
	EXPECT_EQ(nv12->planes[1].vsub, 2u);
	const FormatInfo *nv16 = findFormat("NV16");
	EXPECT_EQ(nv16->planes[1].vsub, 1u);
	const FormatInfo *p010 = findFormat("P010");
	EXPECT_EQ(p010->planes[0].cpp, 2u);
	EXPECT_EQ(p010->planes[1].cpp, 4u);
	const FormatInfo *yuv422 = findFormat("YVU422");
	ASSERT_EQ(yuv422->planes.size(), 3u);
	EXPECT_EQ(yuv422->planes[2].hsub, 2u);
	EXPECT_EQ(yuv422->planes[2].vsub, 1u);
	EXPECT_EQ(findFormat("RGB888")->planes[0].cpp, 3u);
	EXPECT_EQ(findFormat("ARGB2101010")->planes[0].cpp, 4u);
}

} // namespace
} // namespace heapsolve
