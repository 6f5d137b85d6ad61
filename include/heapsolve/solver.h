// SPDX-License-Identifier: Apache-2.0
// The solver: pure code that turns a System plus a Policy into a Plan or a Conflict per buffer.
// No I/O, no logging, no clock, no environment: the same input gives the same answer, byte for byte.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "heapsolve/plan.h"
#include "heapsolve/result.h"
#include "heapsolve/system.h"

namespace heapsolve {

// Solves every buffer, each conflict with its explanation (explain.h). The error is bad input
// only: a layout, capacity or alignment computation that would overflow 64 bits (a ParseError at
// the buffer or value). An unsatisfiable buffer is not an error; it is a BufferResult holding a
// Conflict.
Result<Solution> solve(const System &system, const Policy &policy);

// Rules to leave out while solving one buffer: each pair names a user (`device`, `device/plane`)
// or a heap, and the rule of that user or heap to ignore. Waiving a rule only ever removes a
// restriction, so a buffer that solves stays solved when more is waived. Used to find minimal
// conflicts and to test fixes; a plain solve waives nothing.
struct Relaxation {
	std::vector<std::pair<std::string, Rule>> waived;

	bool waives(std::string_view who, Rule rule) const;
};

// Solves one buffer (index into system.buffers). A conflict comes without minimal, suggestion
// and split (solve() and PlanCache add them; the explainer, solver/explain.h, stands above this).
Result<BufferResult> solveBuffer(const System &system, const Policy &policy, size_t buffer,
				 const Relaxation &relax = {});

} // namespace heapsolve
