// SPDX-License-Identifier: Apache-2.0
#include "cli/check.h"

#include <ostream>

#include "cli/json.h"
#include "cli/report.h"
#include "heapsolve/dot.h"
#include "heapsolve/loader.h"
#include "heapsolve/solver.h"

namespace heapsolve::cli {

int runCheck(const std::vector<std::string> &files, const CheckOptions &options, std::ostream &out,
	     std::ostream &err)
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
	switch (options.format) {
	case CheckFormat::Json:
		out << solutionToJson(*solution, options.explain);
		break;
	case CheckFormat::Dot:
		out << toDot(*system, *solution);
		break;
	case CheckFormat::Text:
		out << solutionToText(*solution);
		break;
	}
	return solution->allSolved() ? kExitOk : kExitUnsatisfiable;
}

} // namespace heapsolve::cli
