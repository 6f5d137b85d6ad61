// SPDX-License-Identifier: Apache-2.0
// A seeded generator of realistic systems for the benchmarks: a board with 4 GiB of RAM, eight
// heaps (system, system-uncached, CMA pools in and out of 32-bit reach, a protected pool, udmabuf
// and drm-dumb), and devices as media SoCs have them (video decoders with address windows and
// alignments, encoders, GPUs behind IOMMUs, displays with planes, cameras, a JPEG unit, a 2D
// blitter limited to 32-bit addresses, the CPU). Buffers follow common pipelines (decode to
// display, camera to encoder, render to scanout...) with 2% unsatisfiable ones (NV12 on a plane
// that shows only RGB, a GPU asked to read protected memory), so
// explanations are exercised as in a real board file. The same (buffers, seed) gives the same
// text, byte for byte, on every machine (no std:: distributions, whose output is unspecified).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "heapsolve/loader.h"

namespace heapsolve::bench {

// Three files, as a board is usually described: board.yaml (memory, heaps, policy),
// devices.yaml and pipeline.yaml. Device instances grow slowly with the buffer count (one more
// of each kind per 500 buffers), as on a board running many streams.
std::vector<InputFile> generateSystem(size_t buffers, uint64_t seed);

// The single-buffer case of the targets: one 1080p NV12 buffer decoded by vpu-dec0 and used by
// gpu0 and display0/overlay0 (3 users), over the same eight heaps.
std::vector<InputFile> singleBufferSystem();

} // namespace heapsolve::bench
