// SPDX-License-Identifier: Apache-2.0
// How a device needs the CPU mapping of a buffer: cached, uncached (write-combined), or either.
#pragma once

#include <string>
#include <string_view>

#include "constraints/constraint_kind.h"

namespace heapsolve {

struct CacheMode {
	static constexpr std::string_view kName = "cache";
	enum class Value { Any,
			   Cached,
			   Uncached };
	Value value = Value::Any;

	// Rule: `any` is neutral; `cached` with `uncached` is a conflict.
	friend MergeResult<CacheMode> merge(const CacheMode &a, const CacheMode &b)
	{
		if (a.value == Value::Any)
			return b;
		if (b.value == Value::Any || a.value == b.value)
			return a;
		return std::unexpected(MergeConflict{ std::string(kName), "cached and uncached mappings cannot both hold", {} });
	}
	std::string describe() const
	{
		switch (value) {
		case Value::Cached:
			return "cached";
		case Value::Uncached:
			return "uncached";
		case Value::Any:
			break;
		}
		return "any";
	}
	bool operator==(const CacheMode &) const = default;
};

} // namespace heapsolve
