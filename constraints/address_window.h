// SPDX-License-Identifier: Apache-2.0
// Address windows: the physical addresses a device can reach by DMA, as a set of half-open ranges.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "constraints/constraint_kind.h"

namespace heapsolve {

// [begin, end), begin < end. Ends never exceed 2^64 - 1 (the loader rejects base + size >= 2^64).
struct AddressRange {
	uint64_t begin = 0;
	uint64_t end = 0;
	bool operator==(const AddressRange &) const = default;
};

class AddressWindows
{
public:
	static constexpr std::string_view kName = "address";

	// Rule: windows intersect (a device reaches only what every window set contains).
	friend MergeResult<AddressWindows> merge(const AddressWindows &a, const AddressWindows &b);

	// No restriction: every address. This is the default of a device that writes no `address`.
	AddressWindows() = default;
	static AddressWindows anywhere() { return AddressWindows(); }
	// A finite set; overlapping and adjacent ranges join, so equal sets compare equal.
	static AddressWindows of(std::vector<AddressRange> ranges);

	bool isAnywhere() const { return anywhere_; }
	bool isEmpty() const { return !anywhere_ && ranges_.empty(); }
	// Whether every address of `inner` lies in this set.
	bool contains(const AddressWindows &inner) const;
	const std::vector<AddressRange> &ranges() const { return ranges_; }

	// "[0x0, 0x10000000)", joined by " + " for several ranges; "anywhere"; "no address".
	std::string describe() const;
	bool operator==(const AddressWindows &) const = default;

private:
	bool anywhere_ = true;
	std::vector<AddressRange> ranges_; // sorted, disjoint, non-adjacent
};

} // namespace heapsolve
