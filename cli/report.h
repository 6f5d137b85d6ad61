// SPDX-License-Identifier: Apache-2.0
// The plain output of `check`: a table for people, then each failure explained in the words of
// heapsolve/conflict_text.h, its culprits as a table.
#pragma once

#include <string>

#include "heapsolve/plan.h"

namespace heapsolve::cli {

std::string solutionToText(const Solution &solution);

} // namespace heapsolve::cli
