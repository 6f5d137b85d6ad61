// SPDX-License-Identifier: Apache-2.0
// A ConstraintSet holds one value of every constraint kind: what one user demands of a buffer, or
// the merge of what all of its users demand. The kinds are the alternatives of AnyConstraint; the
// set, its merge and the solver's fold are written once over them, so a new kind is its own file
// and one alternative here.
#pragma once

#include <array>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <variant>

#include "constraints/address_window.h"
#include "constraints/alignment.h"
#include "constraints/cache_mode.h"
#include "constraints/constraint_kind.h"
#include "constraints/contiguity.h"
#include "constraints/format_modifier.h"
#include "constraints/max_stride.h"
#include "constraints/protection.h"
#include "constraints/sourced.h"
#include "heapsolve/result.h"

namespace heapsolve {

// In the order the solver reports conflicts between users.
using AnyConstraint =
	std::variant<AddressWindows, FormatSet, ModifierSet, CacheMode, Protection, MaxStride, Contiguity, Alignment>;

inline constexpr size_t kKindCount = std::variant_size_v<AnyConstraint>;

namespace detail {
template<typename V, template<typename> class F>
struct EachKind;
template<typename... K, template<typename> class F>
struct EachKind<std::variant<K...>, F> {
	using Tuple = std::tuple<F<K>...>;
	static constexpr bool allKinds = (ConstraintKind<K> && ...);
	static constexpr bool allSourcedKinds = (ConstraintKind<Sourced<K>> && ...);
};
template<typename K>
using Plain = K;
template<typename K, typename V>
struct KindIndex;
template<typename K, typename... Ks>
struct KindIndex<K, std::variant<Ks...>> {
	static constexpr size_t value = [] {
		constexpr bool same[] = { std::is_same_v<K, Ks>... };
		for (size_t i = 0; i < sizeof...(Ks); ++i)
			if (same[i])
				return i;
		return sizeof...(Ks);
	}();
};
} // namespace detail

// The compiler keeps the table of kinds: each alternative has a name, a merge rule and a
// description, and so does each alternative with its writers.
static_assert(detail::EachKind<AnyConstraint, detail::Plain>::allKinds, "every constraint kind must model ConstraintKind");
static_assert(detail::EachKind<AnyConstraint, detail::Plain>::allSourcedKinds,
	      "every sourced constraint kind must model ConstraintKind");

// The position of kind K among the alternatives of AnyConstraint.
template<typename K>
inline constexpr size_t kKindIndex = detail::KindIndex<K, AnyConstraint>::value;

// Calls f(std::type_identity<K>{}) for every kind, in the order of AnyConstraint.
template<typename F>
void forEachKind(F &&f)
{
	[&]<size_t... I>(std::index_sequence<I...>)
	{
		(f(std::type_identity<std::variant_alternative_t<I, AnyConstraint>>{}), ...);
	}
	(std::make_index_sequence<kKindCount>{});
}

class ConstraintSet
{
public:
	template<typename K>
	K &get()
	{
		return std::get<K>(kinds_);
	}
	template<typename K>
	const K &get() const
	{
		return std::get<K>(kinds_);
	}

	// Rule: kind by kind (see each kind); the first kind that conflicts, in the order of
	// AnyConstraint, makes the set conflict.
	friend MergeResult<ConstraintSet> merge(const ConstraintSet &a, const ConstraintSet &b);
	bool operator==(const ConstraintSet &) const = default;

private:
	detail::EachKind<AnyConstraint, detail::Plain>::Tuple kinds_;
};

// One rule set's constraints with where each kind was written: `at[kKindIndex<K>]` is the Source
// of K's value, or nullptr when the rule set leaves K out (its value is then K{}).
struct WrittenConstraints {
	ConstraintSet values;
	std::array<const Source *, kKindCount> at{};

	template<typename K>
	const Source *where() const
	{
		return at[kKindIndex<K>];
	}
};

// The fold of every kind over the rule sets of a buffer's users (each a writer), kind by kind: a
// conflict of one kind leaves the others folding. This is what the solver runs.
class ConstraintFold
{
public:
	template<typename K>
	Fold<K> &get()
	{
		return std::get<Fold<K>>(folds_);
	}
	template<typename K>
	const Fold<K> &get() const
	{
		return std::get<Fold<K>>(folds_);
	}

	void add(const ConstraintSet &set, size_t writer)
	{
		forEachKind([&]<typename K>(std::type_identity<K>) { get<K>().add(set.get<K>(), writer); });
	}
	// The same, taking the values (no copy of a list that only one writer has restricted yet).
	void add(ConstraintSet &&set, size_t writer)
	{
		forEachKind([&]<typename K>(std::type_identity<K>) { get<K>().add(std::move(set.get<K>()), writer); });
	}

private:
	detail::EachKind<AnyConstraint, Fold>::Tuple folds_;
};

} // namespace heapsolve
