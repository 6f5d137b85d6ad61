// SPDX-License-Identifier: Apache-2.0
// `heapsolve probe`: this machine as schema-1 YAML - its memory, DMA-BUF heaps, udmabuf, DRM
// render nodes and (with a PrimaryNodeAccess) dumb-buffer heaps and KMS planes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/dma_heap/dma_heap.h"
#include "adapters/udmabuf/udmabuf.h"
#include "adapters/v4l2/v4l2.h"
#include "heapsolve/primary_node.h"

namespace heapsolve {

// sysconf(_SC_PAGESIZE): the page size of the running kernel (4096 when it cannot be read).
uint64_t systemPageSize();

struct ProbeOptions {
	// Without it, no DRM primary node is opened: no drm-dumb heaps, no KMS planes.
	std::optional<PrimaryNodeAccess> primaryNodes;
	DmaHeapPaths dmaHeap;
	UdmabufPaths udmabuf;
	V4l2Paths v4l2;	   // the video nodes (adapters/v4l2)
	bool video = true; // tests of the other parts turn the V4L2 part off
	std::string iomem = "/proc/iomem";
	bool drm = true;		      // tests of the heap part turn the DRM part off
	uint64_t pageSize = systemPageSize(); // the kernel's page size; tests pass another
};

struct MachineDescription {
	uint64_t pageSize = kDefaultPageSize; // written as `page_size` when not 4096
	std::vector<Window> memory;	      // "System RAM" of /proc/iomem (root only; zeros otherwise)
	Offer offer;			      // every backend's offer; names unique across heaps and devices

	// Whether anything at all was found (probe exits 2 otherwise).
	bool empty() const { return memory.empty() && offer.heaps.empty() && offer.devices.empty(); }
};

// Reads the machine. Never fails as a whole: what cannot be read becomes a note.
MachineDescription probeMachine(const ProbeOptions &options);

// Schema-1 YAML that `heapsolve check` loads; notes become leading comments. Stable: the same
// machine gives the same text.
std::string toYaml(const MachineDescription &machine);

} // namespace heapsolve
