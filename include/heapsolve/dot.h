// SPDX-License-Identifier: Apache-2.0
// A picture of the system: Graphviz DOT of devices, planes, buffers and heaps, with each
// buffer's chosen heap and, for a conflict, the users and heaps involved drawn in red.
#pragma once

#include <string>

#include "heapsolve/plan.h"
#include "heapsolve/system.h"

namespace heapsolve {

// DOT text (Boost.Graph's write_graphviz) that `dot -Tsvg` renders. Deterministic.
std::string toDot(const System &system, const Solution &solution);

} // namespace heapsolve
