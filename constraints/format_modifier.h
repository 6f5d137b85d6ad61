// SPDX-License-Identifier: Apache-2.0
// Pixel formats (DRM fourcc names) and format modifiers (DRM_FORMAT_MOD_ names less the prefix, or
// 0x values), each a set of names a device accepts. Names compare as written: 0x0 is not LINEAR.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "constraints/constraint_kind.h"

namespace heapsolve {

// The one named special case, as wlroots names DRM_FORMAT_MOD_LINEAR.
inline constexpr std::string_view kLinearModifier = "LINEAR";

// The names are views: a set made with viewing() refers to a list of names that its maker keeps
// alive (a RuleSet's list), and one made with of() to names the caller keeps alive (string
// literals), so that folding the sets of every user of every buffer copies no string, and a set
// that one user alone restricts copies no list.
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
		s.owned_ = std::move(names);
		return s;
	}
	// `names` itself, which must outlive the set (and every set merged from it).
	static NameSet viewing(const std::vector<std::string> &names)
	{
		NameSet s;
		s.borrowed_ = &names;
		return s;
	}
	static NameSet viewing(std::vector<std::string> &&) = delete;

	// Rule: set intersection, in the order of `a` (so a producer's preference order survives).
	friend MergeResult<NameSet> merge(const NameSet &a, const NameSet &b)
	{
		NameSet out = a;
		mergeInPlace(out, b);
		return out;
	}
	// merge(a, b) into `a`, reusing its list when it has its own.
	friend void mergeInPlace(NameSet &a, const NameSet &b)
	{
		if (b.isAny())
			return;
		if (a.isAny()) {
			a = b;
			return;
		}
		if (a.owned_) {
			std::erase_if(*a.owned_, [&](std::string_view n) { return !b.accepts(n); });
			return;
		}
		// A list that `b` accepts whole stays borrowed; else the accepted names become a's own.
		const std::vector<std::string> &names = *a.borrowed_;
		size_t first = 0;
		while (first < names.size() && b.accepts(names[first]))
			++first;
		if (first == names.size())
			return;
		std::vector<std::string_view> out(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(first));
		for (size_t i = first + 1; i < names.size(); ++i)
			if (b.accepts(names[i]))
				out.push_back(names[i]);
		a.borrowed_ = nullptr;
		a.owned_ = std::move(out);
	}

	bool isAny() const { return !owned_ && !borrowed_; }
	bool isEmpty() const { return !isAny() && size() == 0; }
	size_t size() const { return owned_ ? owned_->size() : borrowed_ ? borrowed_->size()
									 : 0; }
	// The i-th name, i < size().
	std::string_view operator[](size_t i) const { return owned_ ? (*owned_)[i] : std::string_view((*borrowed_)[i]); }
	bool accepts(std::string_view name) const
	{
		if (isAny())
			return true;
		for (size_t i = 0; i < size(); ++i)
			if ((*this)[i] == name)
				return true;
		return false;
	}
	// The names in order; empty for `any` (check isAny first).
	std::vector<std::string_view> names() const
	{
		std::vector<std::string_view> out;
		for (size_t i = 0; i < size(); ++i)
			out.push_back((*this)[i]);
		return out;
	}
	std::string describe() const
	{
		if (isAny())
			return std::string("any ") + std::string(Tag::kNoun);
		std::string out = "[";
		for (size_t i = 0; i < size(); ++i) {
			if (i)
				out += ", ";
			out += (*this)[i];
		}
		return out + "]";
	}
	// Equal as sets: merge order does not change which names are accepted.
	bool operator==(const NameSet &o) const
	{
		if (isAny() != o.isAny())
			return false;
		for (size_t i = 0; i < size(); ++i)
			if (!o.accepts((*this)[i]))
				return false;
		for (size_t i = 0; i < o.size(); ++i)
			if (!accepts(o[i]))
				return false;
		return true;
	}

private:
	std::optional<std::vector<std::string_view>> owned_;
	const std::vector<std::string> *borrowed_ = nullptr; // when set, owned_ is empty
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
