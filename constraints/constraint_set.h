// SPDX-License-Identifier: Apache-2.0
// A ConstraintSet holds one value of every constraint kind: what one user demands of a buffer, or
// the merge of what all of its users demand.
#pragma once

#include <variant>

#include "constraints/address_window.h"
#include "constraints/alignment.h"
#include "constraints/cache_mode.h"
#include "constraints/constraint_kind.h"
#include "constraints/contiguity.h"
#include "constraints/format_modifier.h"
#include "constraints/max_stride.h"
#include "constraints/protection.h"

namespace heapsolve {

using AnyConstraint =
	std::variant<AddressWindows, Contiguity, Alignment, MaxStride, FormatSet, ModifierSet, CacheMode, Protection>;

namespace detail {
template<typename V>
struct AllConstraintKinds;
template<typename... K>
struct AllConstraintKinds<std::variant<K...>> {
	static constexpr bool value = (ConstraintKind<K> && ...);
};
} // namespace detail

// The compiler keeps the table of kinds: each alternative has a name, a merge rule and a description.
static_assert(detail::AllConstraintKinds<AnyConstraint>::value,
	      "every constraint kind must model ConstraintKind");

struct ConstraintSet {
	AddressWindows address;
	Contiguity contiguous;
	Alignment align;
	MaxStride maxStride;
	FormatSet formats;
	ModifierSet modifiers;
	CacheMode cache;
	Protection protection;

	// Rule: kind by kind (see each kind); the first kind that conflicts makes the set conflict.
	friend MergeResult<ConstraintSet> merge(const ConstraintSet &a, const ConstraintSet &b);
	bool operator==(const ConstraintSet &) const = default;
};

} // namespace heapsolve
