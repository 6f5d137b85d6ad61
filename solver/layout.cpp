// SPDX-License-Identifier: Apache-2.0
#include "solver/layout.h"

#include <algorithm>
#include <numeric>

#include "constraints/checked.h"

namespace heapsolve {

namespace {

// The error for a computation that does not fit in 64 bits; the caller (the solver) places it.
std::unexpected<Error> overflow(std::string what)
{
	return std::unexpected(Error(OverflowError{ {}, std::move(what) }));
}

// The luma stride of the derived rule. A stride_0 = s qualifies when s is a multiple of A_stride,
// and, for every chroma plane p, s * cpp_p is a multiple of A_stride * hsub_p * cpp_0 (so that
// stride_p is a whole multiple of A_stride) and s >= w_p * hsub_p * cpp_0 (so that stride_p >=
// w_p * cpp_p). The multiples condition is s = 0 mod d_p with d_p = A_stride * hsub_p * cpp_0 /
// gcd(A_stride * hsub_p * cpp_0, cpp_p); all of them together are s = 0 mod L, L = lcm(A_stride,
// d_1, ...), and the smallest s is the largest lower bound aligned up to L.
Result<uint64_t> derivedLumaStride(const FormatInfo &format, uint64_t width, uint64_t stride)
{
	const FormatPlane &luma = format.planes[0];
	uint64_t step = stride;
	auto least = checkedMul(divRoundUp(width, luma.hsub), luma.cpp);
	if (!least)
		return overflow("plane 0's line of " + std::to_string(width) + " samples");
	for (size_t p = 1; p < format.planes.size(); ++p) {
		const FormatPlane &fp = format.planes[p];
		auto unit = checkedMul(stride, uint64_t(fp.hsub) * luma.cpp);
		if (!unit)
			return overflow("plane " + std::to_string(p) + "'s derived stride unit");
		auto d = *unit / std::gcd(*unit, uint64_t(fp.cpp));
		auto l = checkedLcm(step, d);
		if (!l)
			return overflow("the common multiple of the derived stride units");
		step = *l;
		auto bound = checkedMul(divRoundUp(width, fp.hsub), uint64_t(fp.hsub) * luma.cpp);
		if (!bound)
			return overflow("plane " + std::to_string(p) + "'s line of samples");
		least = std::max(*least, *bound);
	}
	auto s = checkedAlignUp(*least, step);
	if (!s)
		return overflow("the derived stride " + std::to_string(*least) + " aligned to " +
				std::to_string(step));
	return *s;
}

} // namespace

Result<Layout> computeLayout(const FormatInfo &format, uint64_t width, uint64_t height, const Alignment &align,
			     ChromaStride chroma)
{
	std::optional<uint64_t> derived; // stride_0 under the derived rule
	if (chroma == ChromaStride::Derived && format.planes.size() > 1) {
		HEAPSOLVE_TRY_ASSIGN(derived, derivedLumaStride(format, width, align.stride));
	}
	Layout out;
	auto h = checkedAlignUp(height, align.height);
	if (!h)
		return overflow("the height " + std::to_string(height) + " aligned to " + std::to_string(align.height));
	out.alignedHeight = *h;

	uint64_t offset = 0;
	for (size_t p = 0; p < format.planes.size(); ++p) {
		const FormatPlane &fp = format.planes[p];
		const uint64_t w = divRoundUp(width, fp.hsub);
		const uint64_t ph = divRoundUp(out.alignedHeight, fp.vsub);
		auto bytes = checkedMul(w, fp.cpp);
		if (!bytes)
			return overflow("plane " + std::to_string(p) + "'s line of " + std::to_string(w) + " samples");
		// Under the derived rule stride_p = stride_0 * cpp_p / (hsub_p * cpp_0), a whole number;
		// computed as q * cpp_p + r * cpp_p / den (stride_0 = q * den + r) so that only the
		// result itself can overflow (NV24's chroma line is twice the luma's).
		std::optional<uint64_t> stride;
		if (derived) {
			const uint64_t den = uint64_t(fp.hsub) * format.planes[0].cpp;
			auto whole = checkedMul(*derived / den, uint64_t(fp.cpp));
			stride = whole ? checkedAdd(*whole, *derived % den * fp.cpp / den) : std::nullopt;
		} else {
			stride = checkedAlignUp(*bytes, align.stride);
		}
		if (!stride)
			return overflow("plane " + std::to_string(p) + "'s stride aligned to " + std::to_string(align.stride));
		if (p > 0) {
			auto aligned = checkedAlignUp(offset, align.base);
			if (!aligned)
				return overflow("plane " + std::to_string(p) + "'s offset");
			offset = *aligned;
		}
		auto planeBytes = checkedMul(*stride, ph);
		auto end = planeBytes ? checkedAdd(offset, *planeBytes) : std::nullopt;
		if (!end)
			return overflow("plane " + std::to_string(p) + " (stride " + std::to_string(*stride) + " x " +
					std::to_string(ph) + " lines)");
		out.planes.push_back({ offset, *stride });
		out.planeHeights.push_back(ph);
		out.naturalStrides.push_back(*bytes);
		offset = *end;
	}
	out.end = offset;
	auto sizeAlign = checkedLcm(align.base, align.size);
	if (!sizeAlign)
		return overflow("the common multiple of align.base " + std::to_string(align.base) + " and align.size " +
				std::to_string(align.size));
	auto size = checkedAlignUp(out.end, *sizeAlign);
	if (!size)
		return overflow("the buffer size " + std::to_string(out.end) + " aligned to " + std::to_string(*sizeAlign));
	out.size = *size;
	return out;
}

} // namespace heapsolve
