// SPDX-License-Identifier: Apache-2.0
// What every constraint kind is: a value type with a name, a merge rule and a description.
// Per cubanismo's allocator, a constraint says what a device cannot do; merging the constraints of
// every user of a buffer gives what the buffer must satisfy.
#pragma once

#include <concepts>
#include <expected>
#include <string>
#include <string_view>

#include "heapsolve/result.h"

namespace heapsolve {

// A merge gives the merged value, or an Error: a MergeConflict (two values that cannot hold
// together, e.g. `cached` with `uncached`) or an OverflowError (a merged value too large for 64
// bits), both without a position (the solver places them). An empty intersection is not an error:
// it is a value (the empty window set, the empty format set) that the solver reports with its
// culprits. A MergeConflict of sourced values (sourced.h) names the writers of both sides in its
// culprits.
template<typename K>
using MergeResult = Result<K>;

template<typename K>
concept ConstraintKind = std::regular<K> && requires(const K &a, const K &b)
{
	{
		K::kName
		} -> std::convertible_to<std::string_view>;
	{
		merge(a, b)
		} -> std::same_as<MergeResult<K>>;
	{
		a.describe()
		} -> std::convertible_to<std::string>;
};

} // namespace heapsolve
