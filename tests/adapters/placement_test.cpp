// SPDX-License-Identifier: Apache-2.0
// A buffer planned for an address window really lies inside it. The physical frame of every page
// of a CMA-heap buffer is read from /proc/self/pagemap (root only) and checked against the heap's
// regions as the probe wrote them - where pagemap can see them. Skips without a CMA heap whose
// placement the probe knows.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <unistd.h>
#include <utility>

#include "heapsolve/allocate.h"
#include "heapsolve/probe.h"
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

// The VmFlags line of the mapping that contains `addr` (/proc/self/smaps), for failure messages.
std::string vmFlags(const void *addr)
{
	std::ifstream in("/proc/self/smaps");
	std::string line;
	bool inside = false;
	const auto a = reinterpret_cast<uintptr_t>(addr);
	while (std::getline(in, line)) {
		unsigned long lo, hi;
		if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2)
			inside = a >= lo && a < hi;
		else if (inside && line.rfind("VmFlags:", 0) == 0)
			return line;
	}
	return "no mapping";
}

// nr_free_cma of /proc/vmstat: free pages in CMA areas.
std::optional<uint64_t> freeCmaPages()
{
	std::ifstream in("/proc/vmstat");
	std::string key;
	uint64_t value;
	while (in >> key >> value)
		if (key == "nr_free_cma")
			return value;
	return std::nullopt;
}

// Where the kernel put its CMA areas, from its log: "cma: Reserved 64 MiB at 0x..." (mm/cma.c).
std::vector<Window> cmaAreasFromKernelLog()
{
	std::vector<Window> out;
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, nullptr, 0);
	if (len <= 0)
		return out;
	std::string buf(static_cast<size_t>(len), '\0');
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf.data(), len);
	if (len <= 0)
		return out;
	buf.resize(static_cast<size_t>(len));
	size_t at = 0;
	while ((at = buf.find("cma: Reserved ", at)) != std::string::npos) {
		unsigned long mib = 0, base = 0;
		if (std::sscanf(buf.c_str() + at, "cma: Reserved %lu MiB at %lx", &mib, &base) == 2)
			out.push_back(Window{ base, uint64_t(mib) << 20, {} });
		++at;
	}
	return out;
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
	auto inside = [&](uint64_t base, uint64_t size) {
		for (const Window &w : heap->regions.windows)
			if (base >= w.base && base + size <= w.end())
				return true;
		return false;
	};

	Plan p;
	p.buffer = "windowed";
	p.heap = HeapChoice{ heap->name, Backend::DmaHeap, heap->devicePath() };
	p.count = 2;
	p.size = 4u << 20;
	const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
	const size_t before = test::openFdCount();
	const auto freeBefore = freeCmaPages();
	std::optional<uint64_t> freeHeld;
	bool reported = false;
	{
		auto a = allocatePlan(p, Adapters::forMachine(std::nullopt));
		ASSERT_TRUE(a) << a.error().message();
		ASSERT_EQ(a->buffers.size(), 2u);

		freeHeld = freeCmaPages();

		// Every CMA area the kernel reserved lies inside the heap's window, so the pages do.
		std::vector<Window> areas = cmaAreasFromKernelLog();
		ASSERT_FALSE(areas.empty()) << "no 'cma: Reserved' line in the kernel log";
		for (const Window &w : areas)
			EXPECT_TRUE(inside(w.base, w.size)) << "CMA area 0x" << std::hex << w.base << "+0x" << w.size
							    << " is outside heap '" << heap->name << "' regions";

		// Page by page, where /proc/self/pagemap can show the frames: it cannot when the heap
		// maps the buffer VM_PFNMAP (6.12's CMA heap does), since page walks skip such VMAs.
		UniqueFd pagemap(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
		ASSERT_TRUE(pagemap.isValid()) << std::strerror(errno);
		for (const DmaBuf &b : a->buffers) {
			auto *map = static_cast<volatile char *>(
				mmap(nullptr, b.size, PROT_READ | PROT_WRITE, MAP_SHARED, b.fd.get(), 0));
			ASSERT_NE(map, MAP_FAILED) << std::strerror(errno);
			map[0] = 1;
			const std::string flags = vmFlags(const_cast<char *>(map));
			if (flags.find(" pf") != std::string::npos) {
				if (!std::exchange(reported, true))
					std::printf("@@HEAPSOLVE INFO placement: %s maps its buffers VM_PFNMAP (%s); pagemap "
						    "cannot show their frames, so the proof is nr_free_cma and the CMA area's "
						    "placement from the kernel log\n",
						    heap->name.c_str(), flags.c_str());
				munmap(const_cast<char *>(map), b.size);
				continue;
			}
			std::optional<uint64_t> previous;
			for (uint64_t off = 0; off < b.size; off += page) {
				map[off] = 1; // fault the page in
				auto phys = physicalAddress(pagemap.get(), const_cast<char *>(map + off));
				ASSERT_TRUE(phys) << "page " << off / page << " has no physical frame (not root?); " << flags;
				ASSERT_TRUE(inside(*phys, page)) << "page " << off / page << " at physical 0x" << std::hex
								 << *phys << " lies outside heap '" << heap->name << "' regions";
				// A CMA buffer is physically contiguous, page after page.
				if (previous) {
					ASSERT_EQ(*phys, *previous + page) << "page " << off / page << " breaks contiguity";
				}
				previous = phys;
			}
			munmap(const_cast<char *>(map), b.size);
		}
	}
	// The pages were CMA memory: while the buffers were held, at least their pages of the CMA
	// areas were in use. (Before, movable pages may use CMA memory too; cma_alloc migrates them
	// away, and freed pages linger on per-cpu lists, so the counts before and after are fuzzy.)
	ASSERT_TRUE(freeBefore && freeHeld) << "no nr_free_cma in /proc/vmstat";
	uint64_t totalCma = 0;
	for (const Window &w : cmaAreasFromKernelLog())
		totalCma += w.size / page;
	EXPECT_GE(totalCma - *freeHeld, 2 * p.size / page)
		<< "CMA pages " << totalCma << ", free " << *freeBefore << " before, " << *freeHeld << " held";
	std::printf("@@HEAPSOLVE INFO placement: CMA pages %lu, free %lu before, %lu while holding 2 x 4 MiB\n",
		    static_cast<unsigned long>(totalCma), static_cast<unsigned long>(*freeBefore),
		    static_cast<unsigned long>(*freeHeld));
	EXPECT_EQ(test::openFdCount(), before);
}

// The same page walk on memory pagemap can see (a udmabuf's memfd pages): proves that the frame
// reading itself works in this kernel, so a PFNMAP skip above is the heap's mapping, not us.
TEST(Placement, PagemapShowsFramesOfOrdinaryPages)
{
	UniqueFd memfd(memfd_create("frames", MFD_CLOEXEC));
	ASSERT_TRUE(memfd.isValid());
	const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
	ASSERT_EQ(ftruncate(memfd.get(), 16 * page), 0);
	auto *map = static_cast<volatile char *>(mmap(nullptr, 16 * page, PROT_READ | PROT_WRITE, MAP_SHARED, memfd.get(), 0));
	ASSERT_NE(map, MAP_FAILED);
	UniqueFd pagemap(open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC));
	map[0] = 1;
	if (!physicalAddress(pagemap.get(), const_cast<char *>(map))) {
		munmap(const_cast<char *>(map), 16 * page);
		GTEST_SKIP() << "pagemap hides page frames here (needs CAP_SYS_ADMIN in the initial user namespace)";
	}
	for (uint64_t off = 0; off < 16 * page; off += page) {
		map[off] = 1;
		EXPECT_TRUE(physicalAddress(pagemap.get(), const_cast<char *>(map + off))) << "page " << off / page;
	}
	munmap(const_cast<char *>(map), 16 * page);
}

} // namespace
} // namespace heapsolve
