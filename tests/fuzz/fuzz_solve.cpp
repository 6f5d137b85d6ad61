// SPDX-License-Identifier: Apache-2.0
// Fuzzes load + solve + `check --json`: whatever the input, the answer is an error or, for every
// buffer, a plan that tests/support/plan_check.h accepts (layout exact in 128-bit arithmetic, the
// heap and every `others` heap eligible, no eligible heap left out) or a justified conflict; the
// JSON is well formed and solving twice gives the same bytes. A violation aborts.
#include <cstddef>
#include <cstdint>

#include "cli/json.h"
#include "heapsolve/loader.h"
#include "heapsolve/solver.h"
#include "tests/fuzz/split.h"
#include "tests/support/json_check.h"
#include "tests/support/plan_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	using namespace heapsolve;
	const std::vector<InputFile> files = fuzz::splitInput(data, size);
	auto system = loadSystem(files);
	if (!system)
		return 0;
	auto solution = solve(*system, system->policy);
	if (!solution) {
		bool expected = false;
		for (size_t b = 0; b < system->buffers.size(); ++b)
			expected |= testing::mustOverflow(*system, b);
		if (!expected)
			fuzz::violated("solve() failed though no buffer overflows: " + solution.error().message(), files);
		return 0;
	}
	if (solution->buffers.size() != system->buffers.size())
		fuzz::violated("not one result per buffer", files);
	for (size_t b = 0; b < solution->buffers.size(); ++b) {
		const BufferResult &r = solution->buffers[b];
		if (testing::mustOverflow(*system, b))
			fuzz::violated("buffer " + r.name + " overflows 64 bits but was answered", files);
		if (r.ok()) {
			const auto why = testing::planViolations(*system, system->policy, b, r.plan());
			if (!why.empty())
				fuzz::violated("plan for " + r.name + ": " + why.front(), files);
		} else {
			if (!testing::conflictJustified(*system, system->policy, b))
				fuzz::violated("buffer " + r.name + " reported unsatisfiable but a heap satisfies it", files);
			if (r.conflict().culprits.empty() && !system->heaps.empty())
				fuzz::violated("conflict for " + r.name + " names no culprit", files);
		}
	}
	const std::string json = cli::solutionToJson(*solution);
	if (auto err = testing::jsonError(json))
		fuzz::violated("invalid JSON (" + *err + "): " + json, files);
	auto again = solve(*system, system->policy);
	if (!again || cli::solutionToJson(*again) != json)
		fuzz::violated("solving twice gave different answers", files);
	return 0;
}
