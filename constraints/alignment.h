// SPDX-License-Identifier: Apache-2.0
// Alignments in bytes (base, stride, size) and lines (height). 1 means no requirement.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "constraints/constraint_kind.h"

namespace heapsolve {

struct Alignment {
	static constexpr std::string_view kName = "align";
	uint64_t base = 1;   // buffer start and every plane offset
	uint64_t stride = 1; // every plane's stride
	uint64_t height = 1; // the luma height before subsampling
	uint64_t size = 1;   // the whole buffer's size

	// Rule: each kind takes the least common multiple. A multiple beyond 64 bits is a conflict.
	friend MergeResult<Alignment> merge(const Alignment &a, const Alignment &b);
	std::string describe() const;
	bool operator==(const Alignment &) const = default;
};

} // namespace heapsolve
