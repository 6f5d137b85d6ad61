// SPDX-License-Identifier: Apache-2.0
// The laws every constraint kind's merge obeys, checked over a sample of values: commutative,
// associative and idempotent (a conflict counts as a value that absorbs everything).
#pragma once

#include <vector>

#include <gtest/gtest.h>

#include "constraints/constraint_kind.h"

namespace heapsolve::testing {

template<ConstraintKind K>
MergeResult<K> mergeResults(const MergeResult<K> &a, const MergeResult<K> &b)
{
	if (!a)
		return a;
	if (!b)
		return b;
	return merge(*a, *b);
}

template<ConstraintKind K>
bool sameResult(const MergeResult<K> &a, const MergeResult<K> &b)
{
	if (a.has_value() != b.has_value())
		return false;
	return !a || *a == *b;
}

template<ConstraintKind K>
void expectMergeLaws(const std::vector<K> &samples)
{
	for (const K &a : samples) {
		auto self = merge(a, a);
		ASSERT_TRUE(self.has_value()) << "merging " << a.describe() << " with itself conflicts";
		EXPECT_EQ(*self, a) << "not idempotent for " << a.describe();
		for (const K &b : samples) {
			EXPECT_TRUE(sameResult(merge(a, b), merge(b, a)))
				<< "not commutative for " << a.describe() << " and " << b.describe();
			for (const K &c : samples) {
				auto left = mergeResults<K>(merge(a, b), MergeResult<K>(c));
				auto right = mergeResults<K>(MergeResult<K>(a), merge(b, c));
				EXPECT_TRUE(sameResult(left, right)) << "not associative for " << a.describe() << ", "
								     << b.describe() << ", " << c.describe();
			}
		}
	}
}

} // namespace heapsolve::testing
