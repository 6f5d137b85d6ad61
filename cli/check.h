// SPDX-License-Identifier: Apache-2.0
// `heapsolve check [--json] FILE...`: solve every buffer of the system the files describe.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace heapsolve::cli {

enum ExitCode { kExitOk = 0,
		kExitUnsatisfiable = 1,
		kExitBadInput = 2,
		kExitKernelRefused = 3 };

// Writes the plans and explanations to `out` (a table, JSON, or Graphviz DOT) and errors to `err`;
// returns the exit status (0 all solved, 1 at least one unsatisfiable, 2 bad input). With bad input
// nothing goes to `out`.
enum class CheckFormat { Text,
			 Json,
			 Dot };

struct CheckOptions {
	CheckFormat format = CheckFormat::Text;
	bool explain = false; // JSON: add "minimal" and "split" to unsatisfiable buffers
};

int runCheck(const std::vector<std::string> &files, const CheckOptions &options, std::ostream &out,
	     std::ostream &err);

} // namespace heapsolve::cli
