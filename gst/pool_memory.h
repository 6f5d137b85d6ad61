// SPDX-License-Identifier: LGPL-2.1-or-later
// The seam through which the buffer pool gets its memory. Today it makes a memfd (host tests and
// machines without DMA-BUF heaps); it is where adapters/ (dma-heap, udmabuf) will plug in, so the
// pool never allocates heap memory by itself.
#pragma once

#include <cstdint>
#include <utility>

#include "constraints/result.h"
#include "solver/plan.h"

namespace heapsolve::gst {

// Owns one file descriptor; move-only. release() is called only at the hand-off to GStreamer.
class OwnedFd
{
public:
	OwnedFd() = default;
	explicit OwnedFd(int fd) : fd_(fd) {}
	OwnedFd(OwnedFd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
	OwnedFd &operator=(OwnedFd &&o) noexcept;
	OwnedFd(const OwnedFd &) = delete;
	OwnedFd &operator=(const OwnedFd &) = delete;
	~OwnedFd();

	int get() const { return fd_; }
	bool isValid() const { return fd_ >= 0; }
	[[nodiscard]] int release() { return std::exchange(fd_, -1); }

private:
	int fd_ = -1;
};

struct PoolMemory {
	OwnedFd fd;
	uint64_t size = 0;
	// Whether the fd really is a dma-buf (measured with fstatfs, not assumed from the heap name):
	// only then may it be wrapped as GstDmaBufMemory.
	bool isDmaBuf = false;
};

// Allocates `size` bytes (>= plan.size) for one buffer of `plan`. Errors are SystemErrors naming
// the operation and errno. Until adapters/ lands this is a memfd for every heap, which is not a
// dma-buf: the caller reports that the plan's heap was not honoured.
Result<PoolMemory> allocatePoolMemory(const Plan &plan, uint64_t size);

// Whether `fd` is a dma-buf (its file lives on the kernel's dmabuf pseudo file system).
bool isDmaBuf(int fd);

} // namespace heapsolve::gst
