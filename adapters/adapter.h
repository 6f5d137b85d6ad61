// SPDX-License-Identifier: Apache-2.0
// The interface every kernel adapter implements, kept as small as wlroots'
// wlr_allocator_interface or minigbm's struct backend: say what you offer, allocate what the
// solver planned. Adapters never include each other or solver internals, and never choose policy:
// the heap to use comes in as a HeapChoice, the permission to touch a DRM primary node comes in
// as a type (see drm_dumb/primary_node.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "heapsolve/plan.h"
#include "heapsolve/result.h"
#include "heapsolve/system.h"
#include "heapsolve/unique_fd.h"

namespace heapsolve {

// One allocated dma-buf. It owns the fd; moving the DmaBuf moves the ownership. (Named DmaBuf,
// not Buffer: heapsolve::Buffer is the schema's description of a buffer in constraints/system.h.)
struct DmaBuf {
	UniqueFd fd;			 // the dma-buf, opened O_RDWR | O_CLOEXEC
	uint64_t size = 0;		 // bytes the kernel gave (>= Plan::size, page-rounded)
	std::vector<PlaneLayout> planes; // the Plan's layout; the adapter does not change it
	std::string heap;		 // the HeapChoice it came from
	std::string exporter;		 // exp_name from /proc/self/fdinfo ("system", "udmabuf", "drm")
};

// What a backend offers, as schema-1 data: heaps it can allocate from and devices it found
// (render nodes, KMS planes). Values are marked as written so that the YAML writer emits them.
// `notes` become YAML comments: what could not be read, and why.
struct Offer {
	std::vector<Heap> heaps;
	std::vector<Device> devices;
	std::vector<std::string> notes;
};

class Adapter
{
public:
	virtual ~Adapter() = default;

	virtual Backend backend() const = 0;
	// What this backend offers on this machine. An empty Offer (with notes) when it has nothing;
	// an error only when reading failed in a way the caller should see.
	virtual Result<Offer> probe() = 0;
	// One buffer of plan.size bytes from `heap` (which has this adapter's backend). A refusal is a
	// SystemError with the kernel's errno, the node and the request.
	virtual Result<DmaBuf> allocate(const Plan &plan, const HeapChoice &heap) = 0;
};

// Helpers shared by the adapters (adapters/common.cpp). Not an adapter themselves.

// The library bounds every request before the kernel sees it: a huge system-heap request does not
// fail, it wakes the OOM killer. One buffer may be at most kMaxBufferSize (1 GiB: a 16384 x 16384
// ARGB8888 frame, larger than any media buffer we know of), and the `count` buffers of one
// allocation together at most half of MemTotal.
inline constexpr uint64_t kMaxBufferSize = uint64_t(1) << 30;

// MemTotal in bytes (the figure /proc/meminfo prints, read with one sysinfo(2) call); 0 when
// unknown. It changes only with memory hotplug, so the allocation path reads it once per adapter
// (Adapters, DmaHeapAdapter) rather than per buffer.
uint64_t memTotal();

// Checks request.count (0 counts as 1) buffers of request.size bytes against those limits, with
// `memTotal` bytes of memory (0: unknown, so only the per-buffer limit applies). The refusal is
// the library's own, a LimitError (which limit, its figure, the request and `node`), never an
// errno: no kernel was asked, and no other heap would be allowed more.
Result<void> boundRequest(const Request &request, const std::string &node, uint64_t memTotal);
// The same with memTotal() read at the time of the call.
Result<void> boundRequest(const Request &request, const std::string &node);

// exp_name of the dma-buf `fd` from /proc/self/fdinfo/<fd>; empty when not a dma-buf.
std::string exporterName(int fd);

// The name a dma-buf of buffer `buffer` gets: the buffer's name, cut to DMA_BUF_NAME_LEN - 1 bytes
// (the kernel's limit, NUL excluded).
std::string dmaBufName(const std::string &buffer);

// Names the dma-buf `fd` dmaBufName(buffer) with DMA_BUF_SET_NAME, so that
// /sys/kernel/debug/dma_buf/bufinfo and /proc/<pid>/fdinfo/<fd> ("name:") say whose it is, as
// libcamera names its buffers. Every adapter calls it on the dma-buf it made. A refusal (kernels
// before 5.3 have no such ioctl; ENOTTY) is logged (category DmaBuf, Info), not an error: the
// buffer works without a name. Returns whether the kernel took the name.
bool nameDmaBuf(int fd, const std::string &buffer);

// Located value marked as written by the probe (so the YAML writer prints it).
template<typename T>
Located<T> probed(T value)
{
	return Located<T>{ std::move(value), Source{ "probe", 0, 0 }, true };
}

} // namespace heapsolve
