// SPDX-License-Identifier: Apache-2.0
// Plane geometry as in the kernel's drm_fourcc.c format table (cpp per plane, hsub x vsub).
#include "constraints/format.h"

#include <array>

namespace heapsolve {

namespace {

constexpr std::array<FormatPlane, 1> kCpp1{ { { 1, 1, 1 } } };
constexpr std::array<FormatPlane, 1> kCpp2{ { { 2, 1, 1 } } };
constexpr std::array<FormatPlane, 1> kCpp3{ { { 3, 1, 1 } } };
constexpr std::array<FormatPlane, 1> kCpp4{ { { 4, 1, 1 } } };
constexpr std::array<FormatPlane, 2> kNv420{ { { 1, 1, 1 }, { 2, 2, 2 } } };
constexpr std::array<FormatPlane, 2> kNv422{ { { 1, 1, 1 }, { 2, 2, 1 } } };
constexpr std::array<FormatPlane, 2> kNv444{ { { 1, 1, 1 }, { 2, 1, 1 } } };
constexpr std::array<FormatPlane, 2> kP010{ { { 2, 1, 1 }, { 4, 2, 2 } } };
constexpr std::array<FormatPlane, 3> kYuv420{ { { 1, 1, 1 }, { 1, 2, 2 }, { 1, 2, 2 } } };
constexpr std::array<FormatPlane, 3> kYuv422{ { { 1, 1, 1 }, { 1, 2, 1 }, { 1, 2, 1 } } };
constexpr std::array<FormatPlane, 3> kYuv444{ { { 1, 1, 1 }, { 1, 1, 1 }, { 1, 1, 1 } } };

constexpr FormatInfo kFormats[] = {
	{ "R8", kCpp1 },
	{ "RGB565", kCpp2 },
	{ "BGR565", kCpp2 },
	{ "YUYV", kCpp2 },
	{ "YVYU", kCpp2 },
	{ "UYVY", kCpp2 },
	{ "VYUY", kCpp2 },
	{ "RGB888", kCpp3 },
	{ "BGR888", kCpp3 },
	{ "XRGB8888", kCpp4 },
	{ "ARGB8888", kCpp4 },
	{ "XBGR8888", kCpp4 },
	{ "ABGR8888", kCpp4 },
	{ "RGBX8888", kCpp4 },
	{ "RGBA8888", kCpp4 },
	{ "XRGB2101010", kCpp4 },
	{ "ARGB2101010", kCpp4 },
	{ "NV12", kNv420 },
	{ "NV21", kNv420 },
	{ "NV16", kNv422 },
	{ "NV61", kNv422 },
	{ "NV24", kNv444 },
	{ "NV42", kNv444 },
	{ "P010", kP010 },
	{ "YUV420", kYuv420 },
	{ "YVU420", kYuv420 },
	{ "YUV422", kYuv422 },
	{ "YVU422", kYuv422 },
	{ "YUV444", kYuv444 },
};

} // namespace

const FormatInfo *findFormat(std::string_view name)
{
	for (const FormatInfo &f : kFormats)
		if (f.name == name)
			return &f;
	return nullptr;
}

std::span<const FormatInfo> knownFormats()
{
	return kFormats;
}

} // namespace heapsolve
