// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/allocate.h"

#include <cerrno>
#include <cstring>

#include "adapters/dma_heap/dma_heap.h"
#include "adapters/drm_dumb/drm_dumb.h"
#include "adapters/udmabuf/udmabuf.h"
#include "log/log.h"

namespace heapsolve {

LOG_DEFINE_CATEGORY(Allocate);

Adapters Adapters::forMachine(std::optional<PrimaryNodeAccess> primaryNodes)
{
	std::unique_ptr<Adapter> drm;
	if (primaryNodes)
		drm = std::make_unique<DrmDumbAdapter>(*primaryNodes);
	return Adapters(std::make_unique<DmaHeapAdapter>(), std::make_unique<UdmabufAdapter>(), std::move(drm));
}

Adapters::Adapters(std::unique_ptr<Adapter> dmaHeap, std::unique_ptr<Adapter> udmabuf, std::unique_ptr<Adapter> drmDumb)
	: memTotal_(heapsolve::memTotal()), dmaHeap_(std::move(dmaHeap)), udmabuf_(std::move(udmabuf)),
	  drmDumb_(std::move(drmDumb))
{
}

Adapter *Adapters::find(Backend backend) const
{
	switch (backend) {
	case Backend::DmaHeap:
		return dmaHeap_.get();
	case Backend::Udmabuf:
		return udmabuf_.get();
	case Backend::DrmDumb:
		return drmDumb_.get();
	}
	return nullptr;
}

bool fallsBack(int err)
{
	return err == EACCES || err == ENOENT || err == ENOMEM;
}

bool fallsBack(const Error &e)
{
	if (const SystemError *s = e.system())
		return fallsBack(s->err);
	const LimitError *l = e.limit();
	return l && (l->limit == Limit::NoDevice || l->limit == Limit::ShortBuffer);
}

Result<Allocation> allocatePlan(const Plan &plan, const Adapters &adapters)
{
	// Every return returns `result`, so it is built in the caller's storage (NRVO) and the
	// Allocation is never moved: this runs once per pool buffer.
	Result<Allocation> result;
	const std::string bufferFrame = "allocating buffer '" + plan.buffer + "'";
	if (auto b = boundRequest(Request{ plan.heap.name, plan.size, plan.count },
				  plan.heap.path.empty() ? plan.heap.name : plan.heap.path, adapters.memTotal());
	    !b) {
		result = std::unexpected(std::move(b).error().withFrame(bufferFrame));
		return result;
	}

	// The eligible heaps in order: plan.heap, then plan.others (indexed, not copied into a
	// vector: this runs once per pool buffer).
	const size_t heapCount = 1 + plan.others.size();
	auto heapAt = [&](size_t i) -> const HeapChoice & { return i == 0 ? plan.heap : plan.others[i - 1]; };

	std::vector<std::string> refusals; // sentences for Allocation::fallbacks
	std::vector<std::string> frames;   // the same refusals as error frames
	// Returns on the last heap at the latest: heapCount >= 1.
	for (size_t i = 0;; ++i) {
		const HeapChoice &heap = heapAt(i);
		Adapter *adapter = adapters.find(heap.backend);
		if (!adapter) {
			// Only drm-dumb can be missing on a real machine (no PrimaryNodeAccess); the
			// solver never plans it then, so this is a caller's mismatch. Not a fallback:
			// say so plainly.
			result = std::unexpected(Error(LimitError{ Limit::Backend, 0, std::string(backendName(heap.backend)),
								   heap.path, Request{ heap.name, plan.size, plan.count } })
							 .withFrame(bufferFrame));
			return result;
		}
		Allocation &out = *result;
		out.heap = heap;
		std::optional<Error> failed;
		for (uint64_t n = 0; n < plan.count; ++n) {
			auto buffer = adapter->allocate(plan, heap);
			if (!buffer) {
				failed = std::move(buffer.error());
				break;
			}
			out.buffers.push_back(std::move(*buffer));
		}
		if (!failed) {
			out.fallbacks = std::move(refusals);
			return result;
		}
		// Release what this heap gave before trying the next, so a full CMA area is not
		// kept full by our own partial allocation.
		out.buffers.clear();
		if (!fallsBack(*failed) || i + 1 == heapCount) {
			Error e = std::move(*failed);
			for (auto it = frames.rbegin(); it != frames.rend(); ++it)
				e = std::move(e).withFrame(*it);
			result = std::unexpected(std::move(e).withFrame("allocating " + std::to_string(plan.count) + " x " +
									std::to_string(plan.size) + " bytes for buffer '" +
									plan.buffer + "' from heap '" + heap.name + "'"));
			return result;
		}
		const std::string why = failed->summary();
		std::string sentence = "heap '" + heap.name + "' refused (" + why + "); trying heap '" + heapAt(i + 1).name + "'";
		LOG(Allocate, Info) << sentence;
		refusals.push_back(std::move(sentence));
		frames.push_back("falling back from heap '" + heap.name + "', which refused: " + why);
	}
}

} // namespace heapsolve
