// SPDX-License-Identifier: Apache-2.0
// Inside the solver: one buffer's solve with what its users need, for the explainer's trials.
#pragma once

#include <cstdint>
#include <optional>

#include "constraints/address_window.h"
#include "constraints/cache_mode.h"
#include "heapsolve/solver.h"
#include "solver/graph.h"

namespace heapsolve {

// What the users of a buffer demand of a heap, after merging.
struct BufferNeeds {
	AddressWindows windows; // intersection over users without IOMMU
	bool contiguous = false;
	uint64_t heapBaseAlign = 4096;	       // lcm(page_size, base alignments of users without IOMMU)
	std::optional<CacheMode::Value> cache; // nullopt: cached and uncached were both asked
	uint64_t size = 0;		       // one buffer
	uint64_t total = 0;		       // count x size
	bool usersConflict = false;	       // some rule fails between users, whatever the heap
};

// `graph` may be null: the buffer's users are then resolved by name (see SystemGraph::sourcesOf).
Result<BufferResult> solveBufferWith(const System &system, const Policy &policy, const SystemGraph *graph,
				     size_t buffer, const Relaxation &relax, BufferNeeds *needs);

} // namespace heapsolve
