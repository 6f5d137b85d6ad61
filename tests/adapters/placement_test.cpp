// SPDX-License-Identifier: Apache-2.0
// A buffer planned for an address window really lies inside it: the physical frame of every page
// of a CMA-heap buffer, read from /proc/self/pagemap (root only), is inside the heap's regions as
// the probe wrote them. Skips without a CMA heap whose placement the probe knows.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "adapters/allocate.h"
#include "adapters/probe.h"
#include "tests/adapters/test_util.h"

namespace heapsolve {
namespace {

// Physical address of the page at `addr`; nullopt when not present or hidden (not root).
std::optional<uint64_t> physicalAddress(int pagemap, const void *addr)
{
	const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
	uint64_t entry = 0;
	const off_t at = static_cast<off_t>(reinterpret_cast<uintptr_t>(addr) / page * sizeof(entry));
	if (pread(pagemap, &entry, sizeof(entry), at) != sizeof(entry))
		return std::nullopt;
	// Documentation/admin-guide/mm/pagemap.rst: bit 63 present, bits 0-54 the PFN (0 unless
	// CAP_SYS_ADMIN).
	if (!(entry >> 63))
		return std::nullopt;
	const uint64_t pfn = entry & ((uint64_t(1) << 55) - 1);
	if (pfn == 0)
		return std::nullopt;
	return pfn * page;
}

TEST(Placement, CmaBufferLiesInsideItsWindow)
{
	if (!test::hasEntries("/dev/dma_heap"))
		GTEST_SKIP() << "no /dev/dma_heap/* on this machine; tests/vm/run.sh runs this in a real kernel";
	ProbeOptions o;
	o.drm = false;
	MachineDescription m = probeMachine(o);
	const Heap *heap = nullptr;
	for (const Heap &h : m.offer.heaps)
		if (h.backend.value == Backend::DmaHeap && h.contiguous.value && h.regionsFrom == RegionsFrom::Written)
			heap = &h;
	if (!heap)
		GTEST_SKIP() << "no CMA heap with a known placement (needs CONFIG_DMABUF_HEAPS_CMA and cma=SIZE@BASE[-LIMIT])";

	Plan p;
	p.buffer = "windowed";
	p.heap = HeapChoice{ heap->name, Backend::DmaHeap, heap->devicePath() };
	p.count = 2;
	p.size = 4u << 20;
	const size_t before = test::openFdCount();
	{
		auto a = allocatePlan(p, Adapters::forMachine(std::nullopt));
		ASSERT_TRUE(a) << a.error().message();
		ASSERT_EQ(a->buffers.size(), 2u);
		UniqueFd pagemap(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
		ASSERT_TRUE(pagemap.isValid()) << std::strerror(errno);
		const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
		for (const DmaBuf &b : a->buffers) {
			auto *map = static_cast<volatile char *>(
				mmap(nullptr, b.size, PROT_READ | PROT_WRITE, MAP_SHARED, b.fd.get(), 0));
			ASSERT_NE(map, MAP_FAILED) << std::strerror(errno);
			std::optional<uint64_t> previous;
			for (uint64_t off = 0; off < b.size; off += page) {
				map[off] = 1; // fault the page in
				auto phys = physicalAddress(pagemap.get(), const_cast<char *>(map + off));
				ASSERT_TRUE(phys) << "page " << off / page << " has no physical frame (not root?)";
				bool inside = false;
				for (const Window &w : heap->regions.windows)
					inside |= *phys >= w.base && *phys + page <= w.end();
				ASSERT_TRUE(inside) << "page " << off / page << " at physical 0x" << std::hex << *phys
						    << " lies outside heap '" << heap->name << "' regions";
				// A CMA buffer is physically contiguous, page after page.
				if (previous) {
					ASSERT_EQ(*phys, *previous + page) << "page " << off / page << " breaks contiguity";
				}
				previous = phys;
			}
			munmap(const_cast<char *>(map), b.size);
		}
	}
	EXPECT_EQ(test::openFdCount(), before);
}

} // namespace
} // namespace heapsolve
