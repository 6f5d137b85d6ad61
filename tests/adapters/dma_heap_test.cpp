// SPDX-License-Identifier: Apache-2.0
#include "adapters/dma_heap/dma_heap.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/dma-buf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

#include "tests/adapters/fake_tree.h"
#include "tests/adapters/test_util.h"

// Opens so far of paths under a prefix: only in the VM binary, whose open() is wrapped
// (tests/vm/open_spy.cpp).
extern "C" __attribute__((weak)) size_t heapsolveTestOpensOf(const char *prefix);

namespace heapsolve {
namespace {

Plan planOf(uint64_t size, const std::string &heap, const std::string &path = "")
{
	Plan p;
	p.buffer = "frame";
	p.heap = HeapChoice{ heap, Backend::DmaHeap, path };
	p.count = 1;
	p.size = size;
	p.planes = { PlaneLayout{ 0, 4096 } };
	return p;
}

const Heap *findHeap(const Offer &o, const std::string &name)
{
	for (const Heap &h : o.heaps)
		if (h.name == name)
			return &h;
	return nullptr;
}

TEST(CmaParameter, ParsesSizeBaseAndLimit)
{
	auto p = parseCmaParameter("console=ttyS0 cma=64M@0-256M quiet");
	ASSERT_TRUE(p);
	EXPECT_EQ(p->size, 64u << 20);
	EXPECT_EQ(p->base, 0u);
	EXPECT_EQ(p->limit, 256u << 20);

	p = parseCmaParameter("cma=128M@0x40000000");
	ASSERT_TRUE(p);
	EXPECT_EQ(p->size, 128u << 20);
	EXPECT_EQ(p->base, 0x40000000u);
	EXPECT_FALSE(p->limit);

	p = parseCmaParameter("cma=32M cma=16M");
	ASSERT_TRUE(p);
	EXPECT_EQ(p->size, 16u << 20) << "the last cma= wins, as in the kernel";
	EXPECT_FALSE(p->base);

	EXPECT_FALSE(parseCmaParameter("quiet nocma=1"));
	EXPECT_FALSE(parseCmaParameter("cma=lots"));
}

TEST(DmaHeapProbe, RecognisesHeapsByKindWithoutHardCodedCmaName)
{
	test::FakeTree t;
	for (const char *h : { "system", "system-uncached", "reserved", "carveout" })
		t.write(std::string("heaps/") + h, "");
	DmaHeapAdapter a({ t.path("heaps"), t.write("cmdline", "console=ttyS0 cma=64M@0-256M\n"), t.path("dt") });
	auto offer = a.probe();
	ASSERT_TRUE(offer);
	ASSERT_EQ(offer->heaps.size(), 4u);
	// Name order, for a stable probe.
	EXPECT_EQ(offer->heaps[0].name, "carveout");
	EXPECT_EQ(offer->heaps[3].name, "system-uncached");

	const Heap *system = findHeap(*offer, "system");
	ASSERT_TRUE(system);
	EXPECT_FALSE(system->contiguous.value);
	EXPECT_TRUE(system->cached.value);
	EXPECT_EQ(system->regionsFrom, RegionsFrom::Unknown);
	EXPECT_EQ(system->path->value, t.path("heaps/system"));

	const Heap *uncached = findHeap(*offer, "system-uncached");
	ASSERT_TRUE(uncached);
	EXPECT_FALSE(uncached->contiguous.value);
	EXPECT_FALSE(uncached->cached.value);

	const Heap *cma = findHeap(*offer, "reserved");
	ASSERT_TRUE(cma);
	EXPECT_TRUE(cma->contiguous.value);
	ASSERT_EQ(cma->regionsFrom, RegionsFrom::Written);
	ASSERT_EQ(cma->regions.windows.size(), 1u);
	EXPECT_EQ(cma->regions.windows[0].base, 0u);
	EXPECT_EQ(cma->regions.windows[0].size, 256u << 20) << "cma=64M@0-256M: the area lies in [0, 256M)";
	ASSERT_TRUE(cma->maxBuffer);
	EXPECT_EQ(cma->maxBuffer->value, 64u << 20);

	const Heap *other = findHeap(*offer, "carveout");
	ASSERT_TRUE(other);
	EXPECT_FALSE(other->contiguous.value) << "an unknown heap is described conservatively";
	bool noted = false;
	for (const auto &n : offer->notes)
		noted |= n.find("'carveout' is not one heapsolve recognises") != std::string::npos;
	EXPECT_TRUE(noted);
}

TEST(DmaHeapProbe, AnyDefaultCmaNameIsContiguous)
{
	for (const char *name : { "linux,cma", "reserved", "default_cma_region" }) {
		test::FakeTree t;
		t.write(std::string("heaps/") + name, "");
		DmaHeapAdapter a({ t.path("heaps"), t.write("cmdline", "cma=16M"), t.path("dt") });
		auto offer = a.probe();
		ASSERT_TRUE(offer);
		ASSERT_EQ(offer->heaps.size(), 1u) << name;
		EXPECT_TRUE(offer->heaps[0].contiguous.value) << name;
		EXPECT_EQ(offer->heaps[0].regionsFrom, RegionsFrom::Unknown) << "cma=16M gives no placement";
		EXPECT_EQ(offer->heaps[0].maxBuffer->value, 16u << 20);
	}
}

TEST(DmaHeapProbe, DeviceTreePoolGivesExactRegion)
{
	test::FakeTree t;
	t.write("heaps/vpu-pool", "");
	t.write("dt/reserved-memory/#address-cells", test::cells({ 2 }));
	t.write("dt/reserved-memory/#size-cells", test::cells({ 2 }));
	t.write("dt/reserved-memory/vpu-pool@40000000/reusable", "");
	t.write("dt/reserved-memory/vpu-pool@40000000/reg", test::cells({ 0, 0x40000000, 0, 0x08000000 }));
	DmaHeapAdapter a({ t.path("heaps"), t.write("cmdline", ""), t.path("dt") });
	auto offer = a.probe();
	ASSERT_TRUE(offer);
	ASSERT_EQ(offer->heaps.size(), 1u);
	const Heap &h = offer->heaps[0];
	EXPECT_TRUE(h.contiguous.value);
	ASSERT_EQ(h.regions.windows.size(), 1u);
	EXPECT_EQ(h.regions.windows[0].base, 0x40000000u);
	EXPECT_EQ(h.regions.windows[0].size, 0x08000000u);
}

TEST(DmaHeapProbe, MissingDirectoryIsANoteNotAnError)
{
	DmaHeapAdapter a({ "/nonexistent/dma_heap", "/nonexistent/cmdline", "/nonexistent/dt" });
	auto offer = a.probe();
	ASSERT_TRUE(offer);
	EXPECT_TRUE(offer->heaps.empty());
	ASSERT_EQ(offer->notes.size(), 1u);
	EXPECT_NE(offer->notes[0].find("/nonexistent/dma_heap is missing"), std::string::npos);
}

TEST(DmaHeapAllocate, MissingHeapIsENOENTWithNodeAndRequest)
{
	test::FakeTree t;
	t.dir("heaps");
	DmaHeapAdapter a({ t.path("heaps"), "", "" });
	const size_t before = test::openFdCount();
	auto b = a.allocate(planOf(4096, "gone"), HeapChoice{ "gone", Backend::DmaHeap, "" });
	ASSERT_FALSE(b);
	const auto &e = std::get<SystemError>(b.error().detail());
	EXPECT_EQ(e.err, ENOENT);
	EXPECT_EQ(e.path, t.path("heaps/gone"));
	EXPECT_EQ(test::openFdCount(), before);
	EXPECT_EQ(a.openNodes(), 0u);
}

TEST(DmaHeapAllocate, NotAHeapIsENOTTYAndNamesTheRequest)
{
	test::FakeTree t;
	t.write("heaps/plainfile", "");
	DmaHeapAdapter a({ t.path("heaps"), "", "" });
	const size_t before = test::openFdCount();
	auto b = a.allocate(planOf(8192, "plainfile"), HeapChoice{ "plainfile", Backend::DmaHeap, "" });
	ASSERT_FALSE(b);
	const auto &e = std::get<SystemError>(b.error().detail());
	EXPECT_EQ(e.err, ENOTTY);
	EXPECT_EQ(e.op, "ioctl DMA_HEAP_IOCTL_ALLOC");
	EXPECT_EQ(e.request.heap, "plainfile");
	EXPECT_EQ(e.request.size, 8192u);
	EXPECT_EQ(b.error().message(), "error: ioctl DMA_HEAP_IOCTL_ALLOC " + t.path("heaps/plainfile") +
					       " (8192 bytes from heap 'plainfile'): Inappropriate ioctl for device (errno 25)");
	EXPECT_EQ(test::openFdCount(), before) << "the heap fd is closed on failure too";
	EXPECT_EQ(a.openNodes(), 0u) << "a node that is not a heap is not kept";
}

TEST(DmaHeapAllocate, HugeRequestIsRefusedBeforeTheKernel)
{
	// A node that does not exist: if the bound did not refuse first, the error would be ENOENT.
	DmaHeapAdapter a({ "/nonexistent", "", "" });
	auto b = a.allocate(planOf(kMaxBufferSize + 1, "system"), HeapChoice{ "system", Backend::DmaHeap, "" });
	ASSERT_FALSE(b);
	ASSERT_TRUE(b.error().limit()) << b.error().message();
	const LimitError &e = *b.error().limit();
	EXPECT_EQ(e.limit, Limit::BufferSize);
	EXPECT_EQ(e.bound, 1073741824u);
	EXPECT_EQ(e.request.size, kMaxBufferSize + 1);
	EXPECT_EQ(e.path, "/nonexistent/system");
}

// Real heaps: only where the kernel has them (the VM stage, tests/vm/run.sh).
class RealDmaHeap : public testing::Test
{
protected:
	void SetUp() override
	{
		if (!test::hasEntries("/dev/dma_heap"))
			GTEST_SKIP() << "no /dev/dma_heap/* on this machine (CONFIG_DMABUF_HEAPS); tests/vm/run.sh runs this in a real kernel";
		auto o = DmaHeapAdapter().probe();
		ASSERT_TRUE(o);
		offer_ = *o;
	}

	// Allocates 4 MiB, mmaps it, writes and reads back a pattern between DMA_BUF_IOCTL_SYNC
	// start/end, and checks the exporter's name.
	void allocMmapSync(const Heap &heap, const std::string &exporter)
	{
		const size_t before = test::openFdCount();
		{
			DmaHeapAdapter a;
			const uint64_t size = 4u << 20;
			const auto start = std::chrono::steady_clock::now();
			auto b = a.allocate(planOf(size, heap.name), HeapChoice{ heap.name, Backend::DmaHeap, heap.path->value });
			const long long us = test::microsSince(start);
			ASSERT_TRUE(b) << b.error().message();
			test::info("heap '" + heap.name + "': 4 MiB in " + std::to_string(us) + " us, exp_name '" + b->exporter + "'");
			EXPECT_EQ(b->size, size);
			EXPECT_EQ(lseek(b->fd.get(), 0, SEEK_END), static_cast<off_t>(size));
			EXPECT_EQ(b->exporter, exporter);
			// A size that is not a page multiple: the kernel's rounding is the adapter's.
			auto odd = a.allocate(planOf(size + 1, heap.name), HeapChoice{ heap.name, Backend::DmaHeap, heap.path->value });
			ASSERT_TRUE(odd) << odd.error().message();
			EXPECT_EQ(static_cast<off_t>(odd->size), lseek(odd->fd.get(), 0, SEEK_END));
			EXPECT_EQ(odd->size, size + 4096);
			int flags = fcntl(b->fd.get(), F_GETFD);
			EXPECT_TRUE(flags & FD_CLOEXEC);
			EXPECT_EQ(fcntl(b->fd.get(), F_GETFL) & O_ACCMODE, O_RDWR);

			void *map = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd.get(), 0);
			ASSERT_NE(map, MAP_FAILED) << std::strerror(errno);
			dma_buf_sync sync{ DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };
			ASSERT_EQ(ioctl(b->fd.get(), DMA_BUF_IOCTL_SYNC, &sync), 0) << std::strerror(errno);
			auto *words = static_cast<uint32_t *>(map);
			for (size_t i = 0; i < size / 4; i += 1024)
				words[i] = static_cast<uint32_t>(i * 2654435761u);
			sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
			ASSERT_EQ(ioctl(b->fd.get(), DMA_BUF_IOCTL_SYNC, &sync), 0) << std::strerror(errno);
			sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ;
			ASSERT_EQ(ioctl(b->fd.get(), DMA_BUF_IOCTL_SYNC, &sync), 0);
			for (size_t i = 0; i < size / 4; i += 1024)
				ASSERT_EQ(words[i], static_cast<uint32_t>(i * 2654435761u)) << "word " << i;
			sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
			ASSERT_EQ(ioctl(b->fd.get(), DMA_BUF_IOCTL_SYNC, &sync), 0);
			munmap(map, size);
		}
		EXPECT_EQ(test::openFdCount(), before);
	}

	Offer offer_;
};

TEST_F(RealDmaHeap, SystemHeapAllocMmapSync)
{
	for (const Heap &h : offer_.heaps)
		if (h.name == "system")
			return allocMmapSync(h, "system");
	GTEST_SKIP() << "no system heap (CONFIG_DMABUF_HEAPS_SYSTEM)";
}

TEST_F(RealDmaHeap, CmaHeapAllocMmapSync)
{
	// Whatever this kernel names its CMA heap: the probe says which heap is contiguous.
	for (const Heap &h : offer_.heaps)
		if (h.contiguous.value)
			return allocMmapSync(h, h.name);
	GTEST_SKIP() << "no CMA heap in this kernel (CONFIG_DMABUF_HEAPS_CMA); Debian's stock kernel has none";
}

// A pool allocates buffer after buffer through one adapter: the node the first buffer came from
// stays open (one fd, O_CLOEXEC, closed with the adapter), and later buffers open nothing at all,
// neither the node nor a /proc file.
TEST_F(RealDmaHeap, KeepsTheHeapNodeOpenUntilTheAdapterGoes)
{
	const Heap *system = findHeap(offer_, "system");
	if (!system)
		GTEST_SKIP() << "no system heap (CONFIG_DMABUF_HEAPS_SYSTEM)";
	const HeapChoice choice{ "system", Backend::DmaHeap, system->path->value };
	const std::vector<int> before = test::openFds();
	{
		DmaHeapAdapter a;
		EXPECT_EQ(a.openNodes(), 0u);
		{
			auto first = a.allocate(planOf(4096, "system"), choice);
			ASSERT_TRUE(first) << first.error().message();
			EXPECT_EQ(first->exporter, "system");
		}
		EXPECT_EQ(a.openNodes(), 1u);
		const std::vector<int> held = test::openFds();
		ASSERT_EQ(held.size(), before.size() + 1) << "the heap node is held, the buffer was closed";
		for (int fd : held) {
			if (std::find(before.begin(), before.end(), fd) == before.end()) {
				EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC) << "the kept node, fd " << fd;
			}
		}
		const size_t opens = heapsolveTestOpensOf ? heapsolveTestOpensOf("/") : 0;
		for (int i = 0; i < 10; ++i) {
			auto b = a.allocate(planOf(8192, "system"), choice);
			ASSERT_TRUE(b) << b.error().message();
			EXPECT_EQ(b->size, 8192u);
			EXPECT_EQ(b->exporter, "system") << "kept from the first buffer of this node";
		}
		if (heapsolveTestOpensOf) {
			EXPECT_EQ(heapsolveTestOpensOf("/"), opens) << "open() after the first buffer";
		}
		{
			// The size is computed (the kernel's PAGE_ALIGN), not asked: the kernel agrees.
			auto odd = a.allocate(planOf(5000, "system"), choice);
			ASSERT_TRUE(odd) << odd.error().message();
			EXPECT_EQ(odd->size, 8192u);
			EXPECT_EQ(lseek(odd->fd.get(), 0, SEEK_END), 8192);
		}
		EXPECT_EQ(a.openNodes(), 1u);
		EXPECT_EQ(test::openFdCount(), held.size());
	}
	EXPECT_EQ(test::openFdCount(), before.size()) << "the adapter closed the node it kept";
}

// Several threads through one adapter (as through one Adapters): one node kept, every buffer
// accounted for, nothing left open.
TEST_F(RealDmaHeap, OneAdapterFromSeveralThreads)
{
	const Heap *system = findHeap(offer_, "system");
	if (!system)
		GTEST_SKIP() << "no system heap (CONFIG_DMABUF_HEAPS_SYSTEM)";
	const HeapChoice choice{ "system", Backend::DmaHeap, system->path->value };
	const size_t before = test::openFdCount();
	{
		DmaHeapAdapter a;
		constexpr int kThreads = 4;
		constexpr int kEach = 50;
		std::vector<int> ok(kThreads, 0);
		std::vector<std::thread> threads;
		for (int t = 0; t < kThreads; ++t)
			threads.emplace_back([&, t] {
				for (int i = 0; i < kEach; ++i) {
					auto b = a.allocate(planOf(4096, "system"), choice);
					ok[t] += b && b->fd.isValid() && b->exporter == "system";
				}
			});
		for (std::thread &th : threads)
			th.join();
		for (int t = 0; t < kThreads; ++t)
			EXPECT_EQ(ok[t], kEach) << "thread " << t;
		EXPECT_EQ(a.openNodes(), 1u);
		EXPECT_EQ(test::openFdCount(), before + 1);
	}
	EXPECT_EQ(test::openFdCount(), before);
}

TEST_F(RealDmaHeap, MissingHeapIsENOENT)
{
	DmaHeapAdapter a;
	auto b = a.allocate(planOf(4096, "no-such-heap"), HeapChoice{ "no-such-heap", Backend::DmaHeap, "" });
	ASSERT_FALSE(b);
	EXPECT_EQ(b.error().err(), ENOENT) << b.error().message();
}

} // namespace
} // namespace heapsolve
