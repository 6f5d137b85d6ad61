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
	// Join overlapping and adjacent ranges in place (kept <= read), so that the vector given is
	// the one kept: one allocation per set, not two.
	size_t kept = 0;
	for (size_t read = 0; read < ranges.size(); ++read) {
		if (kept > 0 && ranges[read].begin <= ranges[kept - 1].end)
			ranges[kept - 1].end = std::max(ranges[kept - 1].end, ranges[read].end);
		else
			ranges[kept++] = ranges[read];
	}
	ranges.resize(kept);
	AddressWindows out;
	out.anywhere_ = false;
	out.ranges_ = std::move(ranges);
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
	// The pieces are already sorted, disjoint and non-adjacent, so of() has nothing to do: a
	// piece ends where a range of `a` or `b` ends, and that list's next range starts strictly
	// later (its ranges are non-adjacent), so the next piece does too.
	AddressWindows result;
	result.anywhere_ = false;
	result.ranges_ = std::move(out);
	return result;
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
