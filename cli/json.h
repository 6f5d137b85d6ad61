// SPDX-License-Identifier: Apache-2.0
// `check --json`: the Solution as the JSON object of the spec's cli.md.
#pragma once

#include <string>

#include "heapsolve/plan.h"

namespace heapsolve::cli {

// {"buffers": [...]} with buffers in definition order and exactly the fields of the spec's cli.md;
// ends with a newline. With `extras`, an unsatisfiable buffer also carries heapsolve's "minimal"
// and "split" (see docs/explanations.md).
std::string solutionToJson(const Solution &solution, bool extras = false);

// A JSON string literal with the escapes RFC 8259 requires.
std::string jsonString(std::string_view text);

} // namespace heapsolve::cli
