// SPDX-License-Identifier: Apache-2.0
// The GstVideoFormat <-> DRM name table agrees with schema 1's format table: same planes, bytes
// per sample and subsampling per plane, so GStreamer's idea of a frame and the solver's match.
#include <set>
#include <string>

#include <gst/video/video.h>
#include <gtest/gtest.h>

#include "constraints/format.h"
#include "gst/formats.h"

namespace {

TEST(Formats, EverySchemaFormatMapsOrIsKnownMissing)
{
	const std::set<std::string> missing = { "XRGB2101010", "NV42", "YVU422" };
	for (const heapsolve::FormatInfo &f : heapsolve::knownFormats()) {
		GstVideoFormat g = heapsolve::gst::gstVideoFormat(f.name);
		std::string name(f.name);
		if (missing.count(name)) {
			EXPECT_EQ(g, GST_VIDEO_FORMAT_UNKNOWN) << name;
			continue;
		}
		ASSERT_NE(g, GST_VIDEO_FORMAT_UNKNOWN) << name;
		EXPECT_EQ(heapsolve::gst::drmFormatName(g), f.name) << name; // round trip
	}
}

TEST(Formats, PlaneGeometryAgreesWithGStreamer)
{
	for (const heapsolve::FormatInfo &f : heapsolve::knownFormats()) {
		GstVideoFormat g = heapsolve::gst::gstVideoFormat(f.name);
		if (g == GST_VIDEO_FORMAT_UNKNOWN)
			continue;
		const GstVideoFormatInfo *info = gst_video_format_get_info(g);
		std::string name(f.name);
		ASSERT_EQ(GST_VIDEO_FORMAT_INFO_N_PLANES(info), f.planes.size()) << name;
		for (guint p = 0; p < f.planes.size(); p++) {
			// The first component stored in plane p gives its sample size and subsampling
			// (for packed YUV 4:2:2 that is Y: 2 bytes per pixel, no subsampling).
			int comp = -1;
			for (guint c = 0; c < GST_VIDEO_FORMAT_INFO_N_COMPONENTS(info) && comp < 0; c++)
				if (GST_VIDEO_FORMAT_INFO_PLANE(info, c) == p)
					comp = static_cast<int>(c);
			ASSERT_GE(comp, 0) << name << " plane " << p;
			EXPECT_EQ(static_cast<uint32_t>(GST_VIDEO_FORMAT_INFO_PSTRIDE(info, comp)), f.planes[p].cpp)
				<< name << " plane " << p;
			EXPECT_EQ(1u << GST_VIDEO_FORMAT_INFO_W_SUB(info, comp), f.planes[p].hsub) << name << " plane " << p;
			EXPECT_EQ(1u << GST_VIDEO_FORMAT_INFO_H_SUB(info, comp), f.planes[p].vsub) << name << " plane " << p;
		}
	}
}

TEST(Formats, PackedRgbFollowsDrmByteOrder)
{
	// DRM XRGB8888 is a little-endian word [31:0] x:R:G:B, so B is byte 0: GStreamer's BGRx.
	EXPECT_EQ(heapsolve::gst::gstVideoFormat("XRGB8888"), GST_VIDEO_FORMAT_BGRx);
	EXPECT_EQ(heapsolve::gst::gstVideoFormat("RGB888"), GST_VIDEO_FORMAT_BGR);
	EXPECT_EQ(heapsolve::gst::gstVideoFormat("RGBA8888"), GST_VIDEO_FORMAT_ABGR);
	EXPECT_EQ(heapsolve::gst::drmFormatName(GST_VIDEO_FORMAT_RGBA), "ABGR8888");
	EXPECT_FALSE(heapsolve::gst::drmFormatName(GST_VIDEO_FORMAT_v210).has_value());
}

} // namespace
