// SPDX-License-Identifier: Apache-2.0
// What every constraint kind is: a value type with a name, a merge rule and a description.
// Per cubanismo's allocator, a constraint says what a device cannot do; merging the constraints of
// every user of a buffer gives what the buffer must satisfy.
#pragma once

#include <concepts>
#include <expected>
#include <string>
#include <string_view>

#include "constraints/writers.h"

namespace heapsolve {

// Two values of one kind that cannot hold together (e.g. `cached` with `uncached`), or a merged
// value too large for 64 bits. An empty intersection is not a MergeConflict: it is a value (the
// empty window set, the empty format set) that the solver reports with its culprits.
struct MergeConflict {
	std::string why;
	// For sourced values (see sourced.h): the writers of both sides, whose rules cannot hold
	// together. Empty for plain values, which know no writers.
	Writers culprits;
};

template<typename K>
using MergeResult = std::expected<K, MergeConflict>;

template<typename K>
concept ConstraintKind = std::regular<K> && requires(const K &a, const K &b) {
	{ K::kName } -> std::convertible_to<std::string_view>;
	{ merge(a, b) } -> std::same_as<MergeResult<K>>;
	{ a.describe() } -> std::convertible_to<std::string>;
};

} // namespace heapsolve
