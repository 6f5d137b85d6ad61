// SPDX-License-Identifier: Apache-2.0
#include "constraints/constraint_set.h"

namespace heapsolve {

MergeResult<ConstraintSet> merge(const ConstraintSet &a, const ConstraintSet &b)
{
	auto address = merge(a.address, b.address);
	auto contiguous = merge(a.contiguous, b.contiguous);
	auto align = merge(a.align, b.align);
	auto maxStride = merge(a.maxStride, b.maxStride);
	auto formats = merge(a.formats, b.formats);
	auto modifiers = merge(a.modifiers, b.modifiers);
	auto cache = merge(a.cache, b.cache);
	auto protection = merge(a.protection, b.protection);
	for (const Error *c : { address ? nullptr : &address.error(), align ? nullptr : &align.error(),
					cache ? nullptr : &cache.error() })
		if (c)
			return std::unexpected(*c);
	return ConstraintSet{ *address, *contiguous, *align, *maxStride, *formats, *modifiers, *cache, *protection };
}

} // namespace heapsolve
