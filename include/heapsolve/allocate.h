// SPDX-License-Identifier: Apache-2.0
// Carrying out a Plan: `count` dma-bufs from the chosen heap, falling back along plan.others when
// the kernel refuses. Policy is not chosen here: the Plan names the eligible heaps in order, and
// the permission to use drm-dumb comes in as a PrimaryNodeAccess.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "heapsolve/plan.h"
#include "heapsolve/primary_node.h"
#include "heapsolve/result.h"

namespace heapsolve {

// The adapters an allocation may use, one per backend; a missing one refuses its heaps.
class Adapters
{
public:
	// This machine's adapters. The drm-dumb adapter exists only when `primaryNodes` is given,
	// so without it no code path reaches a DRM primary node.
	static Adapters forMachine(std::optional<PrimaryNodeAccess> primaryNodes);

	// Any adapters (tests use fakes). Null means "not available".
	Adapters(std::unique_ptr<Adapter> dmaHeap, std::unique_ptr<Adapter> udmabuf, std::unique_ptr<Adapter> drmDumb);

	Adapter *find(Backend backend) const;
	// memTotal() when these adapters were made: allocatePlan() bounds requests with it.
	uint64_t memTotal() const { return memTotal_; }

private:
	uint64_t memTotal_;
	std::unique_ptr<Adapter> dmaHeap_;
	std::unique_ptr<Adapter> udmabuf_;
	std::unique_ptr<Adapter> drmDumb_;
};

struct Allocation {
	HeapChoice heap;		    // where the buffers came from
	std::vector<DmaBuf> buffers;	    // plan.count of them, each its own dma-buf
	std::vector<std::string> fallbacks; // one sentence per heap that refused before `heap`
};

// Whether a refusal with this errno moves on to the next eligible heap: EACCES (the heap node is
// not ours to use), ENOENT (no such heap here) and ENOMEM (it is full). Anything else (EINVAL,
// ENOTTY, ...) means the request or the node is wrong, and another heap would not fix that.
bool fallsBack(int err);
// Whether this refusal moves on: a SystemError whose errno does (above), or the library's own
// NoDevice (this backend has nothing to allocate from) and ShortBuffer (the driver gave too few
// bytes). The size limits do not: every heap has the same ones.
bool fallsBack(const Error &e);

// Allocates plan.count buffers of plan.size bytes, all from one heap: plan.heap, else each of
// plan.others in order (every one is eligible: the solver leaves violating heaps out). Buffers
// from a heap that refused part-way are released before the next heap is tried.
// The request is first bounded (boundRequest: kMaxBufferSize per buffer, half of
// adapters.memTotal() in all); a request over the bound is a LimitError, and no kernel is asked.
// Errors: the last heap's SystemError (errno, node, request) or LimitError, with one frame per
// earlier refusal and one naming the buffer; a LimitError (Backend) when a heap needs a backend
// `adapters` lacks.
Result<Allocation> allocatePlan(const Plan &plan, const Adapters &adapters);

} // namespace heapsolve
