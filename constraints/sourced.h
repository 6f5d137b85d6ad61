// SPDX-License-Identifier: Apache-2.0
// A constraint value with its writers, and the fold the solver runs over the rule sets of a
// buffer's users. Sourced<K> is itself a constraint kind: its merge is K's merge, and it unites the
// writers, so the merge laws hold for it as for K. A conflict names the writers of both sides.
#pragma once

#include <concepts>
#include <expected>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "constraints/constraint_kind.h"
#include "heapsolve/writers.h"

namespace heapsolve {

template<ConstraintKind K>
struct Sourced {
	static constexpr std::string_view kName = K::kName;
	K value;    // K{} is every kind's merge identity: no restriction
	Writers by; // who brought a restriction into `value` (none for the identity)

	// One writer's value; a value that restricts nothing (K{}) records no writer, so that a user
	// who writes `cache: any` is never named as a culprit.
	static Sourced of(K value, size_t writer)
	{
		Sourced s{ std::move(value), {} };
		if (!(s.value == K{}))
			s.by.add(writer);
		return s;
	}

	std::string describe() const { return value.describe(); }
	bool operator==(const Sourced &) const = default;
};

// acc = merge(acc, {value, by}), in place. A conflict absorbs every later value but keeps its
// writers: the culprits of a conflict are all who wrote a restriction of that kind, before or
// after the point where it failed. Every merge of sourced values, the solver's included, is this.
template<ConstraintKind K, typename V>
requires std::same_as<std::remove_cvref_t<V>, K>
void mergeInto(MergeResult<Sourced<K>> &acc, V &&value, const Writers &by)
{
	if (!acc) {
		// An OverflowError (an alignment's common multiple) knows no culprits: the solver makes
		// it bad input of the buffer, not a conflict between users.
		if (MergeConflict *c = acc.error().mergeConflict())
			c->culprits |= by;
		return;
	}
	if (acc->value == K{}) {
		// merge(K{}, v) == v (the identity law): take the value, moved when the caller gives it up.
		acc->value = std::forward<V>(value);
		acc->by |= by;
		return;
	}
	if constexpr (requires(K & a, const K &b) { mergeInPlace(a, b); }) {
		// A kind that can merge into its own storage (its merge() is that, on a copy).
		mergeInPlace(acc->value, value);
		acc->by |= by;
		return;
	}
	auto v = merge(acc->value, value);
	if (!v) {
		Error e = std::move(v).error();
		if (MergeConflict *c = e.mergeConflict())
			c->culprits = acc->by | by;
		acc = std::unexpected(std::move(e));
		return;
	}
	acc->value = std::move(*v);
	acc->by |= by;
}

// Rule: K's rule on the values; the writers unite. A conflict names the writers of both sides.
template<ConstraintKind K>
MergeResult<Sourced<K>> merge(const Sourced<K> &a, const Sourced<K> &b)
{
	MergeResult<Sourced<K>> out = a;
	mergeInto(out, b.value, b.by);
	return out;
}

// The running merge of one kind over the values of several writers, in the order added.
template<ConstraintKind K>
class Fold
{
public:
	Fold() = default;
	explicit Fold(Sourced<K> start) : acc_(std::move(start)) {}

	void add(const Sourced<K> &s) { mergeInto(acc_, s.value, s.by); }
	// Sourced<K>::of(value, writer) merged in, without copying the value: the identity (K{})
	// changes nothing and names no writer, so it is skipped.
	template<typename V>
	requires std::same_as<std::remove_cvref_t<V>, K>
	void add(V &&value, size_t writer)
	{
		if (!(value == K{}))
			mergeInto(acc_, std::forward<V>(value), Writers::of(writer));
	}

	bool ok() const { return acc_.has_value(); }
	const MergeResult<Sourced<K>> &result() const { return acc_; }
	// The merged value; only when ok().
	const K &value() const { return acc_->value; }
	// Everyone who wrote a restriction of this kind (on a conflict, the culprits).
	// An error that is not a MergeConflict (an overflow) names none.
	const Writers &writers() const
	{
		static const Writers none;
		if (acc_)
			return acc_->by;
		const MergeConflict *c = acc_.error().mergeConflict();
		return c ? c->culprits : none;
	}

private:
	MergeResult<Sourced<K>> acc_ = Sourced<K>{};
};

} // namespace heapsolve
