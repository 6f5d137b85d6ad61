// SPDX-License-Identifier: Apache-2.0
// Pixel formats (DRM fourcc names) and format modifiers (DRM_FORMAT_MOD_ names less the prefix, or
// 0x values), each a set of names a device accepts. Names compare as written: 0x0 is not LINEAR.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "constraints/constraint_kind.h"

namespace heapsolve {

// The one named special case, as wlroots names DRM_FORMAT_MOD_LINEAR.
inline constexpr std::string_view kLinearModifier = "LINEAR";

// The names are views: a set made with viewing() or of() refers to names that its maker keeps
// alive (a RuleSet's lists, string literals), so that merging the sets of every user of every
// buffer copies no string.
template<typename Tag>
class NameSet
{
public:
	static constexpr std::string_view kName = Tag::kName;

	NameSet() = default; // any name
	static NameSet any() { return NameSet(); }
	static NameSet of(std::vector<std::string_view> names)
	{
		NameSet s;
		s.names_ = std::move(names);
		return s;
	}
	// Views of `names`, which must outlive the set (and every set merged from it).
	static NameSet viewing(const std::vector<std::string> &names)
	{
		return of(std::vector<std::string_view>(names.begin(), names.end()));
	}
	static NameSet viewing(std::vector<std::string> &&) = delete;

	// Rule: set intersection, in the order of `a` (so a producer's preference order survives).
	friend MergeResult<NameSet> merge(const NameSet &a, const NameSet &b)
	{
		if (!a.names_)
			return b;
		if (!b.names_)
			return a;
		std::vector<std::string_view> out;
		out.reserve(a.names_->size());
		for (std::string_view n : *a.names_)
			if (b.accepts(n))
				out.push_back(n);
		return NameSet::of(std::move(out));
	}

	bool isAny() const { return !names_.has_value(); }
	bool isEmpty() const { return names_ && names_->empty(); }
	bool accepts(std::string_view name) const
	{
		if (!names_)
			return true;
		for (std::string_view n : *names_)
			if (n == name)
				return true;
		return false;
	}
	// The names in order; empty for `any` (check isAny first).
	const std::vector<std::string_view> &names() const
	{
		static const std::vector<std::string_view> kNone;
		return names_ ? *names_ : kNone;
	}
	std::string describe() const
	{
		if (!names_)
			return std::string("any ") + std::string(Tag::kNoun);
		std::string out = "[";
		for (size_t i = 0; i < names_->size(); ++i) {
			if (i)
				out += ", ";
			out += (*names_)[i];
		}
		return out + "]";
	}
	// Equal as sets: merge order does not change which names are accepted.
	bool operator==(const NameSet &o) const
	{
		if (names_.has_value() != o.names_.has_value())
			return false;
		if (!names_)
			return true;
		for (std::string_view n : *names_)
			if (!o.accepts(n))
				return false;
		for (std::string_view n : *o.names_)
			if (!accepts(n))
				return false;
		return true;
	}

private:
	std::optional<std::vector<std::string_view>> names_;
};

struct FormatTag {
	static constexpr std::string_view kName = "format";
	static constexpr std::string_view kNoun = "format";
};
struct ModifierTag {
	static constexpr std::string_view kName = "modifier";
	static constexpr std::string_view kNoun = "modifier";
};

using FormatSet = NameSet<FormatTag>;
using ModifierSet = NameSet<ModifierTag>;

// A modifier as schema 1 accepts it: [A-Z][A-Z0-9_]* not starting with DRM_FORMAT_MOD_, or 0x
// followed by 1 to 16 hexadecimal digits.
bool isValidModifierName(std::string_view name);

} // namespace heapsolve
