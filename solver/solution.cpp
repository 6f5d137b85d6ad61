// SPDX-License-Identifier: Apache-2.0
// solve(): every buffer of a system, each conflict explained, on one graph of the system.
#include "heapsolve/solver.h"

#include "solver/explain.h"
#include "solver/graph.h"

namespace heapsolve {

Result<Solution> solve(const System &system, const Policy &policy)
{
	const SystemGraph graph(system);
	Solution out;
	out.buffers.reserve(system.buffers.size());
	for (size_t b = 0; b < system.buffers.size(); ++b) {
		HEAPSOLVE_TRY_ASSIGN(BufferResult r, solveAndExplain(system, policy, &graph, b));
		out.buffers.push_back(std::move(r));
	}
	return out;
}

} // namespace heapsolve
