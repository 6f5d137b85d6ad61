// SPDX-License-Identifier: Apache-2.0
// Explanations that fix things: for an unsatisfiable buffer, a minimal conflict, a suggestion
// proved by re-solving the changed system, and a copy split into the fewest groups of users.
// The explainer stands above the solver (solveBuffer, heapsolve/solver.h): it re-solves changed systems; the solver
// never calls it.
#pragma once

#include <cstddef>

#include "heapsolve/plan.h"
#include "heapsolve/result.h"
#include "heapsolve/system.h"
#include "solver/graph.h"

namespace heapsolve {

// Fills conflict.minimal, conflict.suggestion and conflict.split for system.buffers[buffer],
// whose solve gave `conflict`. Pure like the rest of the solver; deterministic.
Result<void> explainConflict(const System &system, const Policy &policy, size_t buffer, Conflict &conflict);

// What solve() answers for one buffer: the plan, or the conflict with its explanation; an error
// (overflowing input) carries the frame "solving buffer '<name>'". `graph` may be null.
Result<BufferResult> solveAndExplain(const System &system, const Policy &policy, const SystemGraph *graph, size_t buffer);

} // namespace heapsolve
