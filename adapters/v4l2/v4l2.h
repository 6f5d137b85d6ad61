// SPDX-License-Identifier: Apache-2.0
// The V4L2 part of `heapsolve probe`: each /dev/video* node as a schema-1 device, from what its
// driver answers. One device per node, named <driver>-<node> ("vivid-video4"), with one plane per
// queue ("capture", "output") carrying that queue's rules, so a buffer names the queue it passes
// through: `producer: vicodec-video0/capture`.
//   kind       capture only: camera; mem2mem: codec when a queue lists a compressed format
//              (V4L2_FMT_FLAG_COMPRESSED); else other (a video output is not a KMS display)
//   formats    VIDIOC_ENUM_FMT, mapped to DRM fourcc names; the rest go to a note (a comment)
//   align      stride and height alignment inferred with VIDIOC_TRY_FMT at odd sizes (see
//              inferAlignment and docs/probe-v4l2.md)
//   contiguous where the driver says: vivid's `allocators` module parameter (1 = dma-contig)
// A queue that cannot import dma-bufs (VIDIOC_REQBUFS count 0 without
// V4L2_BUF_CAP_SUPPORTS_DMABUF) is said in a note: no heap can serve it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter.h"

namespace heapsolve {

struct V4l2Paths {
	std::string devices = "/dev";	     // video* nodes are looked for here
	std::string modules = "/sys/module"; // module parameters (vivid's allocators)
};

// The DRM fourcc name of a V4L2 pixel format with the same memory layout, or nullptr.
const char *drmNameOfV4l2(uint32_t pixelformat);

// One TRY_FMT answer: asked width x height, got bytesperline and height.
struct TrySample {
	uint32_t width = 0, height = 0;
	uint32_t bytesperline = 0, gotHeight = 0;
};

struct InferredAlignment {
	uint64_t stride = 1; // 1: the driver pads nothing beyond width x bytes per pixel
	uint64_t height = 1;
};

// The smallest power-of-two alignments that give every sample's answer from the schema's layout
// rule (stride = align_up(width x cpp, A_stride), height = align_up(height, A_height)); nullopt
// when no power of two up to 4096 does (the driver pads some other way).
std::optional<InferredAlignment> inferAlignment(const std::vector<TrySample> &samples, uint32_t cpp);

// Every video node under paths.devices. Never fails as a whole: what cannot be read is a note.
Result<Offer> probeV4l2(const V4l2Paths &paths = {});

} // namespace heapsolve
