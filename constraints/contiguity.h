// SPDX-License-Identifier: Apache-2.0
// Contiguity: whether a device needs the buffer physically contiguous (it has no IOMMU/MMU and no
// scatter-gather DMA).
#pragma once

#include <string>
#include <string_view>

#include "constraints/constraint_kind.h"

namespace heapsolve {

struct Contiguity {
	static constexpr std::string_view kName = "contiguous";
	bool required = false;

	// Rule: the strictest wins (contiguous if any user requires it).
	friend MergeResult<Contiguity> merge(const Contiguity &a, const Contiguity &b)
	{
		return Contiguity{ a.required || b.required };
	}
	std::string describe() const { return required ? "physically contiguous" : "scattered is fine"; }
	bool operator==(const Contiguity &) const = default;
};

} // namespace heapsolve
