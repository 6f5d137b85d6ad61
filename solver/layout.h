// SPDX-License-Identifier: Apache-2.0
// The layout formula of schema 1: strides, plane offsets and size of one buffer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "constraints/alignment.h"
#include "constraints/format.h"
#include "heapsolve/plan.h"
#include "heapsolve/result.h"
#include "heapsolve/system.h"

namespace heapsolve {

struct Layout {
	uint64_t alignedHeight = 0;	      // H = align_up(height, A_height)
	std::vector<PlaneLayout> planes;      // offset and stride per plane, in the format's order
	std::vector<uint64_t> planeHeights;   // h_p = ceil(H / vsub_p)
	std::vector<uint64_t> naturalStrides; // w_p * cpp_p before stride alignment
	uint64_t end = 0;		      // end of the last plane
	uint64_t size = 0;		      // align_up(end, lcm(A_base, A_size))
};

// `align.base` must already include the page (A_base = lcm(page_size, ...)).
// For each plane p: w_p = ceil(width / hsub_p), h_p = ceil(H / vsub_p),
// stride_p = align_up(w_p * cpp_p, A_stride), offset_0 = 0,
// offset_(p+1) = align_up(offset_p + stride_p * h_p, A_base).
// With ChromaStride::Derived and a format of two or more planes, stride_0 is instead the smallest
// multiple of A_stride, at least w_0 * cpp_0, for which every stride_p = stride_0 * cpp_p /
// (hsub_p * cpp_0) (p >= 1) is a whole multiple of A_stride and at least w_p * cpp_p.
// Every product and sum is checked; the error is an OverflowError (without a position: the
// caller places it) naming the one that would not fit in 64 bits.
Result<Layout> computeLayout(const FormatInfo &format, uint64_t width, uint64_t height, const Alignment &align,
			     ChromaStride chroma = ChromaStride::Aligned);

} // namespace heapsolve
