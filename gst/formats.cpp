// SPDX-License-Identifier: LGPL-2.1-or-later
// DRM names a packed format by the bits of a little-endian word, most significant first
// (XRGB8888: B at byte 0); GStreamer names the bytes in memory order (BGRx). The pairs below
// follow kmssink's table (gst-plugins-bad sys/kms/gstkmsutils.c) and drm_fourcc.h.
#include "gst/formats.h"

#include <array>
#include <utility>

namespace heapsolve::gst {

namespace {

struct FormatPair {
	std::string_view drm;
	GstVideoFormat gst;
};

// Schema-1 formats missing here have no GStreamer 1.22 equivalent: XRGB2101010 (BGR10x2_LE
// arrived in 1.24), NV42 and YVU422.
constexpr std::array kFormats = {
	FormatPair{ "R8", GST_VIDEO_FORMAT_GRAY8 },
	FormatPair{ "RGB565", GST_VIDEO_FORMAT_RGB16 },
	FormatPair{ "BGR565", GST_VIDEO_FORMAT_BGR16 },
	FormatPair{ "YUYV", GST_VIDEO_FORMAT_YUY2 },
	FormatPair{ "YVYU", GST_VIDEO_FORMAT_YVYU },
	FormatPair{ "UYVY", GST_VIDEO_FORMAT_UYVY },
	FormatPair{ "VYUY", GST_VIDEO_FORMAT_VYUY },
	FormatPair{ "RGB888", GST_VIDEO_FORMAT_BGR },
	FormatPair{ "BGR888", GST_VIDEO_FORMAT_RGB },
	FormatPair{ "XRGB8888", GST_VIDEO_FORMAT_BGRx },
	FormatPair{ "ARGB8888", GST_VIDEO_FORMAT_BGRA },
	FormatPair{ "XBGR8888", GST_VIDEO_FORMAT_RGBx },
	FormatPair{ "ABGR8888", GST_VIDEO_FORMAT_RGBA },
	FormatPair{ "RGBX8888", GST_VIDEO_FORMAT_xBGR },
	FormatPair{ "RGBA8888", GST_VIDEO_FORMAT_ABGR },
	FormatPair{ "ARGB2101010", GST_VIDEO_FORMAT_BGR10A2_LE },
	FormatPair{ "NV12", GST_VIDEO_FORMAT_NV12 },
	FormatPair{ "NV21", GST_VIDEO_FORMAT_NV21 },
	FormatPair{ "NV16", GST_VIDEO_FORMAT_NV16 },
	FormatPair{ "NV61", GST_VIDEO_FORMAT_NV61 },
	FormatPair{ "NV24", GST_VIDEO_FORMAT_NV24 },
	FormatPair{ "P010", GST_VIDEO_FORMAT_P010_10LE },
	FormatPair{ "YUV420", GST_VIDEO_FORMAT_I420 },
	FormatPair{ "YVU420", GST_VIDEO_FORMAT_YV12 },
	FormatPair{ "YUV422", GST_VIDEO_FORMAT_Y42B },
	FormatPair{ "YUV444", GST_VIDEO_FORMAT_Y444 },
};

} // namespace

std::optional<std::string_view> drmFormatName(GstVideoFormat format)
{
	for (const FormatPair &f : kFormats)
		if (f.gst == format)
			return f.drm;
	return std::nullopt;
}

GstVideoFormat gstVideoFormat(std::string_view drmName)
{
	for (const FormatPair &f : kFormats)
		if (f.drm == drmName)
			return f.gst;
	return GST_VIDEO_FORMAT_UNKNOWN;
}

std::string gstFormatList()
{
	std::string list = "{ ";
	for (size_t i = 0; i < kFormats.size(); i++) {
		if (i)
			list += ", ";
		list += gst_video_format_to_string(kFormats[i].gst);
	}
	return list + " }";
}

} // namespace heapsolve::gst
