// SPDX-License-Identifier: Apache-2.0
// Explanations that fix things: for an unsatisfiable buffer, a minimal conflict, a suggestion
// proved by re-solving the changed system, and a copy split into the fewest groups of users.
#pragma once

#include <cstddef>

#include "heapsolve/plan.h"
#include "heapsolve/result.h"
#include "heapsolve/system.h"

namespace heapsolve {

// Fills conflict.minimal, conflict.suggestion and conflict.split for system.buffers[buffer],
// whose solve gave `conflict`. Pure like the rest of the solver; deterministic.
Result<void> explainConflict(const System &system, const Policy &policy, size_t buffer, Conflict &conflict);

} // namespace heapsolve
