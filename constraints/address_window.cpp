// SPDX-License-Identifier: Apache-2.0
#include "constraints/address_window.h"

#include <algorithm>

#include "constraints/number.h"

namespace heapsolve {

AddressWindows AddressWindows::of(std::vector<AddressRange> ranges)
{
	std::erase_if(ranges, [](const AddressRange &r) { return r.begin >= r.end; });
	std::sort(ranges.begin(), ranges.end(), [](const AddressRange &x, const AddressRange &y) {
		return x.begin < y.begin || (x.begin == y.begin && x.end < y.end);
	});
	AddressWindows out;
	out.anywhere_ = false;
	for (const AddressRange &r : ranges) {
		if (!out.ranges_.empty() && r.begin <= out.ranges_.back().end)
			out.ranges_.back().end = std::max(out.ranges_.back().end, r.end);
		else
			out.ranges_.push_back(r);
	}
	return out;
}

MergeResult<AddressWindows> merge(const AddressWindows &a, const AddressWindows &b)
{
	if (a.anywhere_)
		return b;
	if (b.anywhere_)
		return a;
	// Both lists are sorted and disjoint: a linear sweep intersects them.
	std::vector<AddressRange> out;
	size_t i = 0, j = 0;
	while (i < a.ranges_.size() && j < b.ranges_.size()) {
		const AddressRange &x = a.ranges_[i];
		const AddressRange &y = b.ranges_[j];
		const uint64_t begin = std::max(x.begin, y.begin);
		const uint64_t end = std::min(x.end, y.end);
		if (begin < end)
			out.push_back({ begin, end });
		if (x.end < y.end)
			++i;
		else
			++j;
	}
	return AddressWindows::of(std::move(out));
}

bool AddressWindows::contains(const AddressWindows &inner) const
{
	if (anywhere_)
		return true;
	if (inner.anywhere_)
		return false;
	// Each inner range must sit inside one of ours (ours are joined, so one suffices).
	size_t j = 0;
	for (const AddressRange &r : inner.ranges_) {
		while (j < ranges_.size() && ranges_[j].end <= r.begin)
			++j;
		if (j == ranges_.size() || ranges_[j].begin > r.begin || ranges_[j].end < r.end)
			return false;
	}
	return true;
}

std::string AddressWindows::describe() const
{
	if (anywhere_)
		return "anywhere";
	if (ranges_.empty())
		return "no address";
	std::string out;
	for (const AddressRange &r : ranges_) {
		if (!out.empty())
			out += " + ";
		out += "[" + formatHex(r.begin) + ", " + formatHex(r.end) + ")";
	}
	return out;
}

} // namespace heapsolve
