// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gst/pool_memory.h"

#include "heapsolve/allocate.h"
#include "heapsolve/primary_node.h"

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

Result<PoolMemory> allocateMemfd(const Plan &plan, uint64_t size)
{
	// A memfd is the honest host fallback: mappable shared memory with an fd, but no dma-buf.
	std::string name = "heapsolve:" + plan.buffer;
	UniqueFd fd(memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
	if (!fd.isValid())
		return std::unexpected<Error>(Error(SystemError{ "memfd_create", name, errno, {} }));
	if (ftruncate(fd.get(), static_cast<off_t>(size)) != 0)
		return std::unexpected<Error>(Error(SystemError{ "ftruncate", name, errno, {} }));
	// The size of a buffer is part of the plan: forbid it to change behind the pool's back.
	if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0)
		return std::unexpected<Error>(Error(SystemError{ "fcntl F_ADD_SEALS", name, errno, {} }));
	bool dmaBuf = isDmaBuf(fd.get());
	return PoolMemory{ std::move(fd), size, dmaBuf };
}

} // namespace

PoolMemorySource::PoolMemorySource(const Plan &plan, MemorySource source) : plan_(plan), source_(source)
{
	plan_.count = 1;
	if (source_ == MemorySource::Heap)
		adapters_.emplace(Adapters::forMachine(PrimaryNodeAccess::forPlan(plan_)));
}

Result<PoolMemory> PoolMemorySource::allocate(uint64_t size) const
{
	if (source_ == MemorySource::Memfd)
		return allocateMemfd(plan_, size);
	// The pool's configured size is usually the plan's: copy the plan only when it is not.
	const Plan *plan = &plan_;
	Plan resized;
	if (size != plan_.size) {
		resized = plan_;
		resized.size = size;
		plan = &resized;
	}
	auto allocation = allocatePlan(*plan, *adapters_);
	HEAPSOLVE_TRY(allocation);
	UniqueFd fd = std::move(allocation->buffers.front().fd);
	const bool dmaBuf = isDmaBuf(fd.get());
	return PoolMemory{ std::move(fd), size, dmaBuf };
}

} // namespace heapsolve::gst
