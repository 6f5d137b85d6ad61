// SPDX-License-Identifier: LGPL-2.1-or-later
// GstVideoFormat <-> the DRM fourcc names of schema 1's format table.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <gst/video/video.h>

namespace heapsolve::gst {

// The schema name ("NV12") of a GStreamer format, or std::nullopt when schema 1 has none.
std::optional<std::string_view> drmFormatName(GstVideoFormat format);

// GST_VIDEO_FORMAT_UNKNOWN when GStreamer 1.22 has no format with that memory layout.
GstVideoFormat gstVideoFormat(std::string_view drmName);

// "{ NV12, I420, ... }": the GStreamer names of every mapped format, for pad template caps.
std::string gstFormatList();

} // namespace heapsolve::gst
