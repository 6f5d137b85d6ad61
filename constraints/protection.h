// SPDX-License-Identifier: Apache-2.0
// Protection: whether a device can access protected (secure, restricted) memory.
#pragma once

#include <string>
#include <string_view>

#include "constraints/constraint_kind.h"

namespace heapsolve {

struct Protection {
	static constexpr std::string_view kName = "protected";
	bool canAccess = true; // the merge identity: no user has refused yet

	// Rule: a protected buffer is usable only if every user can access protected memory (and).
	friend MergeResult<Protection> merge(const Protection &a, const Protection &b)
	{
		return Protection{ a.canAccess && b.canAccess };
	}
	std::string describe() const
	{
		return canAccess ? "can access protected memory" : "cannot access protected memory";
	}
	bool operator==(const Protection &) const = default;
};

} // namespace heapsolve
