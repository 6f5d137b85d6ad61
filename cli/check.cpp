// SPDX-License-Identifier: Apache-2.0
#include "cli/check.h"

#include <ostream>

#include "cli/json.h"
#include "cli/report.h"
#include "constraints/yaml/loader.h"
#include "solver/solver.h"

namespace heapsolve::cli {

int runCheck(const std::vector<std::string> &files, bool json, std::ostream &out, std::ostream &err)
{
	auto system = loadSystemFromPaths(files);
	if (!system) {
		err << system.error().message() << "\n";
		return kExitBadInput;
	}
	auto solution = solve(*system, system->policy);
	if (!solution) {
		err << solution.error().message() << "\n";
		return kExitBadInput;
	}
	out << (json ? solutionToJson(*solution) : solutionToText(*solution));
	return solution->allSolved() ? kExitOk : kExitUnsatisfiable;
}

} // namespace heapsolve::cli
