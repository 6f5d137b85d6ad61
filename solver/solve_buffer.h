// SPDX-License-Identifier: Apache-2.0
// Solving one buffer, without explanations: the layer the explainer (explain.h) stands on.
// No I/O, no logging, no clock, no environment: the same input gives the same answer, byte for byte.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "constraints/result.h"
#include "constraints/system.h"
#include "solver/plan.h"

namespace heapsolve {

// Rules to leave out while solving one buffer: each pair names a user (`device`, `device/plane`)
// or a heap, and the rule of that user or heap to ignore. Waiving a rule only ever removes a
// restriction, so a buffer that solves stays solved when more is waived. Used to find minimal
// conflicts and to test fixes; a plain solve waives nothing.
struct Relaxation {
	std::vector<std::pair<std::string, Rule>> waived;

	bool waives(std::string_view who, Rule rule) const;
};

// Solves one buffer (index into system.buffers). A conflict comes without minimal, suggestion
// and split (solve() and PlanCache add them).
Result<BufferResult> solveBuffer(const System &system, const Policy &policy, size_t buffer,
				 const Relaxation &relax = {});

} // namespace heapsolve
