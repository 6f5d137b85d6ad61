// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gst/pool_memory.h"

#include "adapters/allocate.h"
#include "adapters/drm_dumb/primary_node.h"

#include <cerrno>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace heapsolve::gst {

namespace {

// DMA_BUF_MAGIC of <linux/magic.h>; dma-buf files have their own pseudo fs since Linux 5.3.
constexpr long kDmaBufMagic = 0x444d4142;

} // namespace

bool isDmaBuf(int fd)
{
	struct statfs fs;
	if (fstatfs(fd, &fs) != 0)
		return false;
	return fs.f_type == kDmaBufMagic;
}

namespace {

Result<PoolMemory> allocateFromHeap(const Plan &plan, uint64_t size)
{
	// One buffer at a time: the pool grows as GStreamer asks, up to its maximum.
	Plan one = plan;
	one.count = 1;
	one.size = size;
	const Adapters adapters = Adapters::forMachine(PrimaryNodeAccess::forPlan(plan));
	auto allocation = allocatePlan(one, adapters);
	if (!allocation)
		return std::unexpected(std::move(allocation.error()));
	UniqueFd fd = std::move(allocation->buffers.front().fd);
	const bool dmaBuf = isDmaBuf(fd.get());
	return PoolMemory{ std::move(fd), size, dmaBuf };
}

Result<PoolMemory> allocateMemfd(const Plan &plan, uint64_t size)
{
	// A memfd is the honest host fallback: mappable shared memory with an fd, but no dma-buf.
	std::string name = "heapsolve:" + plan.buffer;
	UniqueFd fd(memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
	if (!fd.isValid())
		return std::unexpected<Error>(Error(SystemError{ "memfd_create", name, errno }));
	if (ftruncate(fd.get(), static_cast<off_t>(size)) != 0)
		return std::unexpected<Error>(Error(SystemError{ "ftruncate", name, errno }));
	// The size of a buffer is part of the plan: forbid it to change behind the pool's back.
	if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0)
		return std::unexpected<Error>(Error(SystemError{ "fcntl(F_ADD_SEALS)", name, errno }));
	bool dmaBuf = isDmaBuf(fd.get());
	return PoolMemory{ std::move(fd), size, dmaBuf };
}

} // namespace

Result<PoolMemory> allocatePoolMemory(const Plan &plan, uint64_t size, MemorySource source)
{
	return source == MemorySource::Memfd ? allocateMemfd(plan, size) : allocateFromHeap(plan, size);
}

} // namespace heapsolve::gst
