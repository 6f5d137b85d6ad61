// SPDX-License-Identifier: LGPL-2.1-or-later
// The seam through which the buffer pool gets its memory: the plan's heap through adapters/
// (dma-heap, udmabuf, drm-dumb when the plan allows it), or a memfd (host tests and machines
// without DMA-BUF heaps), so the pool never allocates heap memory by itself.
#pragma once

#include <cstdint>
#include <optional>

#include "heapsolve/allocate.h"
#include "heapsolve/plan.h"
#include "heapsolve/result.h"
#include "heapsolve/unique_fd.h"

namespace heapsolve::gst {

struct PoolMemory {
	UniqueFd fd; // released only at the hand-off to GStreamer
	uint64_t size = 0;
	// Whether the fd really is a dma-buf (measured with fstatfs, not assumed from the heap name):
	// only then may it be wrapped as GstDmaBufMemory.
	bool isDmaBuf = false;
};

// Where pool memory comes from: the plan's heap through adapters/ (dma-heap, udmabuf, and drm-dumb
// only when the plan lists a drm-dumb heap, i.e. the policy allows it), falling back only along
// the plan's other eligible heaps; or, when the element's `memfd` property asks for it, a memfd
// (for tests and machines without heaps: not a dma-buf, and the plan's placement is not honoured).
enum class MemorySource { Heap,
			  Memfd };

// One pool's memory, for the pool's whole life. The adapters are made once, with the pool, not
// per buffer: the dma-heap adapter then keeps its heap node open and MemTotal is read once, so a
// buffer costs the kernel's ioctl and little else (docs/performance.md, the VM figures).
// allocate() may be called from several threads at once (the adapters are thread-safe).
class PoolMemorySource
{
public:
	PoolMemorySource(const Plan &plan, MemorySource source);

	// `size` bytes (>= plan.size) for one buffer of the plan. Errors are SystemErrors naming the
	// operation, the node and errno (a heap that refuses: each refusal is a frame).
	Result<PoolMemory> allocate(uint64_t size) const;
	MemorySource source() const { return source_; }

private:
	Plan plan_; // count 1: the pool grows one buffer at a time
	MemorySource source_;
	std::optional<Adapters> adapters_; // for MemorySource::Heap
};

// Whether `fd` is a dma-buf (its file lives on the kernel's dmabuf pseudo file system).
bool isDmaBuf(int fd);

} // namespace heapsolve::gst
