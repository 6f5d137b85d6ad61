// SPDX-License-Identifier: Apache-2.0
// The udmabuf adapter: a sealed memfd turned into a dma-buf by /dev/udmabuf (UDMABUF_CREATE).
#pragma once

#include <string>

#include "adapters/adapter.h"

namespace heapsolve {

struct UdmabufPaths {
	std::string device = "/dev/udmabuf";
	// The module's per-buffer limit, in MiB (drivers/dma-buf/udmabuf.c, default 64).
	std::string sizeLimit = "/sys/module/udmabuf/parameters/size_limit_mb";
};

class UdmabufAdapter final : public Adapter
{
public:
	explicit UdmabufAdapter(UdmabufPaths paths = {}) : paths_(std::move(paths)) {}

	Backend backend() const override { return Backend::Udmabuf; }

	// One heap named "udmabuf" when the device exists: shmem pages, not contiguous, cached,
	// max_buffer from size_limit_mb.
	Result<Offer> probe() override;

	// memfd_create(MFD_ALLOW_SEALING | MFD_CLOEXEC) of plan.size rounded up to a page, sealed with
	// F_SEAL_SHRINK (udmabuf refuses an unsealed memfd with EINVAL), then UDMABUF_CREATE with
	// UDMABUF_FLAGS_CLOEXEC. The memfd is closed before returning; the dma-buf keeps its pages.
	Result<DmaBuf> allocate(const Plan &plan, const HeapChoice &heap) override;

private:
	UdmabufPaths paths_;
};

} // namespace heapsolve
