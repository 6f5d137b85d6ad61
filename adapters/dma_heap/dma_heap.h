// SPDX-License-Identifier: Apache-2.0
// The DMA-BUF heap adapter: /dev/dma_heap/<name> and DMA_HEAP_IOCTL_ALLOC.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "adapters/adapter.h"

namespace heapsolve {

// Where the adapter looks. The defaults are the real machine's; tests point them at fake trees.
struct DmaHeapPaths {
	std::string heapDir = "/dev/dma_heap";
	std::string cmdline = "/proc/cmdline";
	std::string deviceTree = "/proc/device-tree";
};

// Thread-safe: allocate() may be called from several threads at once (through one Adapters).
class DmaHeapAdapter final : public Adapter
{
public:
	explicit DmaHeapAdapter(DmaHeapPaths paths = {});

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
	// own bound (boundRequest, with memTotal() read when the adapter was made).
	// A node that has given a buffer stays open (O_RDONLY | O_CLOEXEC, owned by the adapter, closed
	// with it), as a pool allocating buffer after buffer would keep it: the next allocate() from it
	// is the ioctl alone, without a path lookup and open. A node that failed is not kept.
	Result<DmaBuf> allocate(const Plan &plan, const HeapChoice &heap) override;

	// Heap nodes this adapter holds open (see allocate()); for tests.
	size_t openNodes() const;

private:
	// A heap node that has given a buffer, and the exp_name its dma-bufs carry (the heap sets it
	// for every buffer alike: dma_heap_get_name() in system_heap.c and cma_heap.c).
	struct OpenNode {
		UniqueFd fd;
		std::string exporter;
	};

	using Nodes = std::map<std::string, OpenNode, std::less<>>;

	DmaHeapPaths paths_;
	uint64_t memTotal_;
	uint64_t page_; // sysconf(_SC_PAGESIZE), the kernel's PAGE_SIZE
	mutable std::mutex lock_;
	Nodes nodes_; // by node path, under lock_; entries are never removed
	// The entry of nodes_ used last, read without the lock: a pool asks one heap over and over.
	std::atomic<const Nodes::value_type *> last_{ nullptr };
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
