// SPDX-License-Identifier: Apache-2.0
#include "constraints/alignment.h"

#include "constraints/checked.h"
#include "constraints/number.h"

namespace heapsolve {

MergeResult<Alignment> merge(const Alignment &a, const Alignment &b)
{
	auto base = checkedLcm(a.base, b.base);
	auto stride = checkedLcm(a.stride, b.stride);
	auto height = checkedLcm(a.height, b.height);
	auto size = checkedLcm(a.size, b.size);
	if (!base || !stride || !height || !size)
		return std::unexpected(Error(OverflowError{ {}, "the common multiple of the alignments " + a.describe() + " and " + b.describe() }));
	return Alignment{ *base, *stride, *height, *size };
}

std::string Alignment::describe() const
{
	return "{base: " + formatSize(base) + ", stride: " + std::to_string(stride) +
	       ", height: " + std::to_string(height) + ", size: " + formatSize(size) + "}";
}

} // namespace heapsolve
