// SPDX-License-Identifier: Apache-2.0
// The laws every constraint kind's merge obeys, checked over a sample of values: K{} is the
// identity, and merge is commutative, associative and idempotent (a conflict counts as a value
// that absorbs everything). The same laws are checked for Sourced<K>, the values with their
// writers that the solver folds (constraints/sourced.h): there a conflict absorbs everything but
// keeps every writer, the culprits, and conflicts must agree on them too. The sourced merges go
// through mergeInto, the function the solver's folds run.
#pragma once

#include <vector>

#include <gtest/gtest.h>

#include "constraints/constraint_kind.h"
#include "constraints/sourced.h"

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

// A MergeConflict's culprits; none for an error of another family (an alignment's overflow).
inline Writers culpritsOf(const Error &e)
{
	const MergeConflict *c = e.mergeConflict();
	return c ? c->culprits : Writers{};
}

// For sourced values: a conflict on either side absorbs the other side's writers.
template<ConstraintKind K>
MergeResult<Sourced<K>> mergeResults(MergeResult<Sourced<K>> a, const MergeResult<Sourced<K>> &b)
{
	if (!b) {
		Error e = b.error();
		if (MergeConflict *c = e.mergeConflict())
			c->culprits |= a ? a->by : culpritsOf(a.error());
		return std::unexpected(std::move(e));
	}
	mergeInto(a, b->value, b->by);
	return a;
}

// Equal values, or errors of one family naming the same culprits (the texts may differ by order).
template<ConstraintKind K>
bool sameResult(const MergeResult<K> &a, const MergeResult<K> &b)
{
	if (a.has_value() != b.has_value())
		return false;
	if (a)
		return *a == *b;
	return a.error().detail().index() == b.error().detail().index() &&
	       culpritsOf(a.error()) == culpritsOf(b.error());
}

template<ConstraintKind K>
void expectLaws(const std::vector<K> &samples)
{
	for (const K &a : samples) {
		auto self = merge(a, a);
		ASSERT_TRUE(self.has_value()) << "merging " << a.describe() << " with itself conflicts";
		EXPECT_EQ(*self, a) << "not idempotent for " << a.describe();
		auto left = merge(K{}, a);
		auto right = merge(a, K{});
		ASSERT_TRUE(left.has_value() && right.has_value()) << "K{} conflicts with " << a.describe();
		EXPECT_TRUE(*left == a && *right == a) << "K{} is not the identity for " << a.describe();
		for (const K &b : samples) {
			EXPECT_TRUE(sameResult(merge(a, b), merge(b, a)))
				<< "not commutative for " << a.describe() << " and " << b.describe();
			for (const K &c : samples) {
				auto l = mergeResults(merge(a, b), MergeResult<K>(c));
				auto r = mergeResults(MergeResult<K>(a), merge(b, c));
				EXPECT_TRUE(sameResult(l, r)) << "not associative for " << a.describe() << ", "
							      << b.describe() << ", " << c.describe();
			}
		}
	}
}

// The laws for K, then for Sourced<K>: sample i written by writer i, and written by writers i and
// i + 1 together (so that equal values with different writers are told apart).
template<ConstraintKind K>
void expectMergeLaws(const std::vector<K> &samples)
{
	expectLaws<K>(samples);
	std::vector<Sourced<K>> sourced;
	for (size_t i = 0; i < samples.size(); ++i) {
		sourced.push_back(Sourced<K>::of(samples[i], i));
		Sourced<K> two = Sourced<K>::of(samples[i], i);
		two.by.add(i + 1);
		sourced.push_back(two);
	}
	expectLaws<Sourced<K>>(sourced);
}

} // namespace heapsolve::testing
