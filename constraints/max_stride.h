// SPDX-License-Identifier: Apache-2.0
// The largest stride (bytes per line) a device can program.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "constraints/constraint_kind.h"

namespace heapsolve {

struct MaxStride {
	static constexpr std::string_view kName = "max_stride";
	std::optional<uint64_t> limit; // none: no limit

	// Rule: the minimum of the maxima.
	friend MergeResult<MaxStride> merge(const MaxStride &a, const MaxStride &b)
	{
		if (!a.limit)
			return b;
		if (!b.limit)
			return a;
		return MaxStride{ std::min(*a.limit, *b.limit) };
	}
	std::string describe() const
	{
		return limit ? "stride <= " + std::to_string(*limit) : "any stride";
	}
	bool operator==(const MaxStride &) const = default;
};

} // namespace heapsolve
