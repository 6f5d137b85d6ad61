// SPDX-License-Identifier: Apache-2.0
#include "solver/layout.h"

#include "constraints/checked.h"

namespace heapsolve {

Result<Layout> computeLayout(const FormatInfo &format, uint64_t width, uint64_t height, const Alignment &align)
{
	auto fail = [](std::string what) {
		return std::unexpected(Error(OverflowError{ {}, std::move(what) }));
	};
	Layout out;
	auto h = checkedAlignUp(height, align.height);
	if (!h)
		return fail("the height " + std::to_string(height) + " aligned to " + std::to_string(align.height));
	out.alignedHeight = *h;

	uint64_t offset = 0;
	for (size_t p = 0; p < format.planes.size(); ++p) {
		const FormatPlane &fp = format.planes[p];
		const uint64_t w = divRoundUp(width, fp.hsub);
		const uint64_t ph = divRoundUp(out.alignedHeight, fp.vsub);
		auto bytes = checkedMul(w, fp.cpp);
		if (!bytes)
			return fail("plane " + std::to_string(p) + "'s line of " + std::to_string(w) + " samples");
		auto stride = checkedAlignUp(*bytes, align.stride);
		if (!stride)
			return fail("plane " + std::to_string(p) + "'s stride aligned to " + std::to_string(align.stride));
		if (p > 0) {
			auto aligned = checkedAlignUp(offset, align.base);
			if (!aligned)
				return fail("plane " + std::to_string(p) + "'s offset");
			offset = *aligned;
		}
		auto planeBytes = checkedMul(*stride, ph);
		auto end = planeBytes ? checkedAdd(offset, *planeBytes) : std::nullopt;
		if (!end)
			return fail("plane " + std::to_string(p) + " (stride " + std::to_string(*stride) + " x " +
				    std::to_string(ph) + " lines)");
		out.planes.push_back({ offset, *stride });
		out.planeHeights.push_back(ph);
		out.naturalStrides.push_back(*bytes);
		offset = *end;
	}
	out.end = offset;
	auto sizeAlign = checkedLcm(align.base, align.size);
	if (!sizeAlign)
		return fail("the common multiple of align.base " + std::to_string(align.base) + " and align.size " +
			    std::to_string(align.size));
	auto size = checkedAlignUp(out.end, *sizeAlign);
	if (!size)
		return fail("the buffer size " + std::to_string(out.end) + " aligned to " + std::to_string(*sizeAlign));
	out.size = *size;
	return out;
}

} // namespace heapsolve
