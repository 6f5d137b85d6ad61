// SPDX-License-Identifier: Apache-2.0
// The plain output of `check`: a table for people, then each failure explained in sentences.
#pragma once

#include <string>

#include "heapsolve/plan.h"

namespace heapsolve::cli {

std::string solutionToText(const Solution &solution);

} // namespace heapsolve::cli
