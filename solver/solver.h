// SPDX-License-Identifier: Apache-2.0
// The solver: pure code that turns a System plus a Policy into a Plan or a Conflict per buffer.
// No I/O, no logging, no clock, no environment: the same input gives the same answer, byte for byte.
#pragma once

#include "constraints/result.h"
#include "constraints/system.h"
#include "solver/plan.h"
#include "solver/solve_buffer.h"

namespace heapsolve {

// Solves every buffer, each conflict with its explanation (explain.h). The error is bad input
// only: a layout, capacity or alignment computation that would overflow 64 bits (a ParseError at
// the buffer or value). An unsatisfiable buffer is not an error; it is a BufferResult holding a
// Conflict.
Result<Solution> solve(const System &system, const Policy &policy);

} // namespace heapsolve
