// SPDX-License-Identifier: Apache-2.0
// The DMA-BUF heap adapter: /dev/dma_heap/<name> and DMA_HEAP_IOCTL_ALLOC.
#pragma once

#include <string>

#include "adapters/adapter.h"

namespace heapsolve {

// Where the adapter looks. The defaults are the real machine's; tests point them at fake trees.
struct DmaHeapPaths {
	std::string heapDir = "/dev/dma_heap";
	std::string cmdline = "/proc/cmdline";
	std::string deviceTree = "/proc/device-tree";
};

class DmaHeapAdapter final : public Adapter
{
public:
	explicit DmaHeapAdapter(DmaHeapPaths paths = {}) : paths_(std::move(paths)) {}

	Backend backend() const override { return Backend::DmaHeap; }

	// One heap per entry of heapDir, in name order. No heap name is hard-coded as "the" CMA
	// heap: `system` and `system-uncached` are the kernel's page-allocator heaps (not
	// contiguous; the second uncached); every other heap that is a CMA area (its name is a
	// default-area name - linux,cma, reserved, default_cma_region - or a device-tree
	// reserved-memory pool) is contiguous, with regions from device-tree `reg`/`alloc-ranges`
	// or the `cma=` command line where known. Anything else is described conservatively
	// (not contiguous, no regions) with a note.
	Result<Offer> probe() override;

	// DMA_HEAP_IOCTL_ALLOC of plan.size bytes on heap.path (else heapDir/heap.name), the dma-buf
	// opened O_RDWR | O_CLOEXEC. Errors: SystemError{op, node, errno} from open or the ioctl
	// (ENOENT: no such heap, EACCES: no permission, ENOMEM: the heap is full), or the library's
	// own bound (boundRequest).
	Result<DmaBuf> allocate(const Plan &plan, const HeapChoice &heap) override;

private:
	DmaHeapPaths paths_;
};

// Parsed `cma=` kernel parameter: cma=SIZE[@BASE[-LIMIT]] (Documentation/admin-guide/
// kernel-parameters.txt). Exposed for tests.
struct CmaParameter {
	uint64_t size = 0;
	std::optional<uint64_t> base;
	std::optional<uint64_t> limit;
};
std::optional<CmaParameter> parseCmaParameter(const std::string &cmdline);

} // namespace heapsolve
