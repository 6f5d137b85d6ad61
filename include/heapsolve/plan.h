// SPDX-License-Identifier: Apache-2.0
// What the solver answers for one buffer: a Plan (where and how to allocate it) or a Conflict
// (why it cannot be shared as described, naming every user and rule involved).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "heapsolve/result.h"
#include "heapsolve/system.h"

namespace heapsolve {

struct PlaneLayout {
	uint64_t offset = 0; // bytes from the start of the buffer
	uint64_t stride = 0; // bytes per line
	bool operator==(const PlaneLayout &) const = default;
};

// A heap the buffer may be allocated from, as the adapters need it.
struct HeapChoice {
	std::string name;
	Backend backend = Backend::DmaHeap;
	std::string path; // device node; empty for drm-dumb (the adapter finds the card)
	bool operator==(const HeapChoice &) const = default;
};

// The solved buffer. `size` is the size of one buffer; `count` buffers are allocated separately.
struct Plan {
	std::string buffer;
	HeapChoice heap;		// the chosen heap: the first eligible one
	std::vector<HeapChoice> others; // the other eligible heaps, in the order of preference
	std::string format;
	std::string modifier;
	uint64_t width = 0;
	uint64_t height = 0;
	uint64_t count = 0;
	uint64_t size = 0;
	std::vector<PlaneLayout> planes;
	// What the users' rules changed from the format's natural layout, each with who asked:
	// "stride 1920 -> 2048: display0 align.stride 256 (board.yaml:14)".
	std::vector<std::string> adjustments;
};

// The rule a conflict is about, with the names of `check --json`.
enum class Rule { Address,
		  Contiguous,
		  Align,
		  Stride,
		  Format,
		  Modifier,
		  Cache,
		  Protected,
		  Size,
		  Backend,
		  Plane };
std::string_view ruleName(Rule r);

// One (user, rule) pair of a conflict. `user` is a device, `device/plane`, or a heap.
struct Culprit {
	std::string user;
	Rule rule = Rule::Address;
	std::string detail; // the value this user brings, in words: "needs [0x0, 0x100000000)"
	Source at;	    // where that value was written (or the entry that leaves it out)
	bool operator==(const Culprit &o) const
	{
		return user == o.user && rule == o.rule && detail == o.detail && at == o.at;
	}
};

// One group of a copy split: users that can share one buffer, and the heap it goes to.
struct SplitGroup {
	std::string heap;
	std::vector<std::string> users; // as written; the producer leads the first group
	bool operator==(const SplitGroup &) const = default;
};

struct Conflict {
	std::vector<Culprit> culprits; // every failing rule: between users first, then each heap's
	// A minimal subset of the culprits' (user, rule) pairs that cannot hold together: waiving any
	// one of them makes the buffer solve. Empty when the system has no heap at all.
	std::vector<Culprit> minimal;
	// A fix that was verified by solving the changed system, in words (with a device-tree snippet
	// when the fix is a new CMA heap).
	std::optional<std::string> suggestion;
	// The fewest groups of users that each have a satisfying heap, when sharing one buffer fails
	// but copying between groups would work (two or more groups).
	std::vector<SplitGroup> split;
	std::vector<std::string> explanation; // sentences for people, one per failed rule or heap
};

struct BufferResult {
	std::string name;
	std::variant<Plan, Conflict> outcome;

	bool ok() const { return std::holds_alternative<Plan>(outcome); }
	const Plan &plan() const { return std::get<Plan>(outcome); }
	const Conflict &conflict() const { return std::get<Conflict>(outcome); }
};

struct Solution {
	std::vector<BufferResult> buffers; // in definition order
	bool allSolved() const;
};

} // namespace heapsolve
