// SPDX-License-Identifier: Apache-2.0
#include "constraints/constraint_set.h"

#include <optional>

namespace heapsolve {

MergeResult<ConstraintSet> merge(const ConstraintSet &a, const ConstraintSet &b)
{
	ConstraintSet out;
	std::optional<Error> conflict;
	forEachKind([&]<typename K>(std::type_identity<K>) {
		if (conflict)
			return;
		auto m = merge(a.get<K>(), b.get<K>());
		if (m)
			out.get<K>() = std::move(*m);
		else
			conflict = std::move(m.error());
	});
	if (conflict)
		return std::unexpected(std::move(*conflict));
	return out;
}

} // namespace heapsolve
