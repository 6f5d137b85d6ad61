// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/allocate.h"

#include <cerrno>
#include <cstdio>
#include <deque>
#include <gtest/gtest.h>
#include <map>
#include <sys/mman.h>

#include "adapters/dma_heap/dma_heap.h"
#include "tests/adapters/fake_tree.h"
#include "tests/adapters/test_util.h"

namespace heapsolve {
namespace {

// An adapter that answers from a script: for each heap, a queue of errnos (0 = succeed with a
// real memfd, so that fd counts show what was released).
class ScriptedAdapter final : public Adapter
{
public:
	explicit ScriptedAdapter(Backend backend) : backend_(backend) {}
	Backend backend() const override { return backend_; }
	Result<Offer> probe() override { return Offer{}; }
	Result<DmaBuf> allocate(const Plan &plan, const HeapChoice &heap) override
	{
		++calls;
		std::deque<int> &q = script[heap.name];
		int err = q.empty() ? 0 : q.front();
		if (!q.empty())
			q.pop_front();
		if (err)
			return std::unexpected(
				Error(SystemError{ "ioctl FAKE_ALLOC", "/fake/" + heap.name, err, { heap.name, plan.size, 0 } }));
		DmaBuf b;
		b.fd = UniqueFd(memfd_create("fake", MFD_CLOEXEC));
		b.size = plan.size;
		b.heap = heap.name;
		b.exporter = "fake";
		return b;
	}

	std::map<std::string, std::deque<int>> script;
	int calls = 0;

private:
	Backend backend_;
};

struct Fixture {
	ScriptedAdapter *heaps = new ScriptedAdapter(Backend::DmaHeap);
	ScriptedAdapter *udmabuf = new ScriptedAdapter(Backend::Udmabuf);
	Adapters adapters{ std::unique_ptr<Adapter>(heaps), std::unique_ptr<Adapter>(udmabuf), nullptr };
};

Plan plan(uint64_t count, std::vector<HeapChoice> heaps)
{
	Plan p;
	p.buffer = "decoded";
	p.heap = heaps.front();
	p.others.assign(heaps.begin() + 1, heaps.end());
	p.count = count;
	p.size = 3137536;
	return p;
}

const HeapChoice kCma{ "reserved", Backend::DmaHeap, "/dev/dma_heap/reserved" };
const HeapChoice kSystem{ "system", Backend::DmaHeap, "/dev/dma_heap/system" };
const HeapChoice kUdmabuf{ "udmabuf", Backend::Udmabuf, "/dev/udmabuf" };

TEST(FallsBack, OnlyOnRefusalsAnotherHeapCanFix)
{
	EXPECT_TRUE(fallsBack(EACCES));
	EXPECT_TRUE(fallsBack(ENOENT));
	EXPECT_TRUE(fallsBack(ENOMEM));
	EXPECT_FALSE(fallsBack(EINVAL));
	EXPECT_FALSE(fallsBack(ENOTTY));
	EXPECT_FALSE(fallsBack(EPERM));
	// The library's own refusals: a size limit is the same at every heap; a backend without a
	// device, or a driver giving too few bytes, is not.
	EXPECT_TRUE(fallsBack(Error(SystemError{ "open", "/n", ENOENT, {} })));
	EXPECT_FALSE(fallsBack(Error(SystemError{ "ioctl X", "/n", EINVAL, {} })));
	EXPECT_FALSE(fallsBack(Error(LimitError{ Limit::BufferSize, kMaxBufferSize, "", "/n", {} })));
	EXPECT_FALSE(fallsBack(Error(LimitError{ Limit::MemoryShare, 1, "", "/n", {} })));
	EXPECT_TRUE(fallsBack(Error(LimitError{ Limit::NoDevice, 0, "drm-dumb", "/dev/dri", {} })));
	EXPECT_TRUE(fallsBack(Error(LimitError{ Limit::ShortBuffer, 4096, "drm-dumb", "/dev/dri/card0", {} })));
}

TEST(AllocatePlan, ChosenHeapServesAllBuffers)
{
	Fixture f;
	auto a = allocatePlan(plan(4, { kCma, kSystem }), f.adapters);
	ASSERT_TRUE(a) << a.error().message();
	EXPECT_EQ(a->heap, kCma);
	EXPECT_EQ(a->buffers.size(), 4u);
	EXPECT_TRUE(a->fallbacks.empty());
	for (const DmaBuf &b : a->buffers)
		EXPECT_TRUE(b.fd.isValid());
}

TEST(AllocatePlan, EaccesFallsBackAndSaysSo)
{
	Fixture f;
	f.heaps->script["reserved"] = { EACCES };
	auto a = allocatePlan(plan(2, { kCma, kSystem }), f.adapters);
	ASSERT_TRUE(a) << a.error().message();
	EXPECT_EQ(a->heap, kSystem);
	ASSERT_EQ(a->fallbacks.size(), 1u);
	EXPECT_EQ(a->fallbacks[0], "heap 'reserved' refused (ioctl FAKE_ALLOC /fake/reserved (3137536 bytes from heap "
				   "'reserved'): Permission denied (errno 13)); trying heap 'system'");
}

TEST(AllocatePlan, EnoentFallsBackAcrossBackends)
{
	Fixture f;
	f.heaps->script["reserved"] = { ENOENT };
	f.heaps->script["system"] = { ENOENT };
	auto a = allocatePlan(plan(1, { kCma, kSystem, kUdmabuf }), f.adapters);
	ASSERT_TRUE(a) << a.error().message();
	EXPECT_EQ(a->heap, kUdmabuf);
	EXPECT_EQ(a->fallbacks.size(), 2u);
	EXPECT_EQ(a->buffers.at(0).heap, "udmabuf");
}

TEST(AllocatePlan, PartialAllocationIsReleasedBeforeTheNextHeap)
{
	Fixture f;
	// The CMA area fills up at the third of four buffers.
	f.heaps->script["reserved"] = { 0, 0, ENOMEM };
	const size_t before = test::openFdCount();
	{
		auto a = allocatePlan(plan(4, { kCma, kSystem }), f.adapters);
		ASSERT_TRUE(a) << a.error().message();
		EXPECT_EQ(a->heap, kSystem);
		EXPECT_EQ(a->buffers.size(), 4u);
		// Only the four from `system` are open: the two from `reserved` were closed.
		EXPECT_EQ(test::openFdCount(), before + 4);
	}
	EXPECT_EQ(test::openFdCount(), before);
}

TEST(AllocatePlan, OtherErrnoDoesNotFallBack)
{
	Fixture f;
	f.heaps->script["reserved"] = { EINVAL };
	auto a = allocatePlan(plan(1, { kCma, kSystem }), f.adapters);
	ASSERT_FALSE(a);
	const auto &e = std::get<SystemError>(a.error().detail());
	EXPECT_EQ(e.err, EINVAL);
	EXPECT_EQ(e.path, "/fake/reserved");
	EXPECT_EQ(f.heaps->calls, 1) << "system must not be tried after EINVAL";
}

TEST(AllocatePlan, EveryHeapRefusingReportsTheLastWithEachRefusal)
{
	Fixture f;
	f.heaps->script["reserved"] = { ENOMEM };
	f.heaps->script["system"] = { EACCES };
	auto a = allocatePlan(plan(1, { kCma, kSystem }), f.adapters);
	ASSERT_FALSE(a);
	const auto &e = std::get<SystemError>(a.error().detail());
	EXPECT_EQ(e.err, EACCES);
	EXPECT_EQ(e.path, "/fake/system");
	EXPECT_EQ(e.op, "ioctl FAKE_ALLOC");
	EXPECT_EQ(e.request.heap, "system");
	EXPECT_EQ(e.request.size, 3137536u);
	EXPECT_EQ(a.error().message(),
		  "error: ioctl FAKE_ALLOC /fake/system (3137536 bytes from heap 'system'): Permission denied (errno 13)\n"
		  "  while falling back from heap 'reserved', which refused: ioctl FAKE_ALLOC /fake/reserved (3137536 "
		  "bytes from heap 'reserved'): Cannot allocate memory (errno 12)\n"
		  "  while allocating 1 x 3137536 bytes for buffer 'decoded' from heap 'system'");
}

TEST(AllocatePlan, OversizedRequestNeverReachesAnAdapter)
{
	Fixture f;
	Plan p = plan(1, { kCma, kSystem });
	p.size = kMaxBufferSize + 4096;
	auto a = allocatePlan(p, f.adapters);
	ASSERT_FALSE(a);
	ASSERT_TRUE(a.error().limit()) << a.error().message();
	const LimitError &e = *a.error().limit();
	EXPECT_EQ(e.limit, Limit::BufferSize);
	EXPECT_EQ(e.bound, kMaxBufferSize);
	EXPECT_EQ(e.path, "/dev/dma_heap/reserved");
	EXPECT_EQ(e.request.heap, "reserved");
	EXPECT_EQ(e.request.size, kMaxBufferSize + 4096);
	EXPECT_EQ(e.request.count, 1u);
	EXPECT_EQ(a.error().err(), 0) << "the library's own refusal invents no errno";
	EXPECT_EQ(f.heaps->calls, 0);

	// Many buffers that together exceed half of the memory: refused as well.
	p.size = kMaxBufferSize;
	p.count = UINT64_MAX / kMaxBufferSize;
	a = allocatePlan(p, f.adapters);
	ASSERT_FALSE(a);
	ASSERT_TRUE(a.error().limit()) << a.error().message();
	EXPECT_EQ(a.error().limit()->limit, Limit::MemoryShare);
	EXPECT_EQ(f.heaps->calls, 0);
}

TEST(BoundRequest, HalfOfTheMemTotalGivenAndOneGiBPerBuffer)
{
	const uint64_t mem = uint64_t(1) << 30; // half: 512 MiB
	EXPECT_TRUE(boundRequest({ "h", uint64_t(256) << 20, 2 }, "/n", mem)) << "exactly half is allowed";
	auto over = boundRequest({ "h", (uint64_t(256) << 20) + 4096, 2 }, "/n", mem);
	ASSERT_FALSE(over);
	ASSERT_TRUE(over.error().limit()) << over.error().message();
	const LimitError &e = *over.error().limit();
	EXPECT_EQ(e.limit, Limit::MemoryShare);
	EXPECT_EQ(e.bound, mem / 2);
	EXPECT_EQ(e.path, "/n");
	EXPECT_EQ(e.request.size, (uint64_t(256) << 20) + 4096);
	EXPECT_EQ(e.request.count, 2u);
	EXPECT_EQ(over.error().message(),
		  "error: refused 2 x 268439552 bytes from heap 'h' at /n: above half of MemTotal, 536870912 bytes");
	EXPECT_FALSE(boundRequest({ "h", 4096, UINT64_MAX }, "/n", mem)) << "count * size must not wrap around";
	EXPECT_TRUE(boundRequest({ "h", kMaxBufferSize, 1000 }, "/n", 0)) << "MemTotal unknown: only the per-buffer limit";
	auto big = boundRequest({ "h", kMaxBufferSize + 1, 1 }, "/n", 0);
	ASSERT_FALSE(big);
	EXPECT_EQ(big.error().limit()->limit, Limit::BufferSize);
	EXPECT_EQ(big.error().limit()->bound, 1073741824u);
	EXPECT_EQ(big.error().summary(),
		  "refused 1073741825 bytes from heap 'h' at /n: above heapsolve's limit of 1073741824 bytes per buffer");
	auto empty = boundRequest({ "h", 0, 1 }, "/n", mem);
	ASSERT_FALSE(empty);
	EXPECT_EQ(empty.error().limit()->limit, Limit::EmptyBuffer);
}

// memTotal() reads sysinfo(2) instead of /proc/meminfo: the same figure.
TEST(BoundRequest, MemTotalIsMeminfosMemTotal)
{
	FILE *f = std::fopen("/proc/meminfo", "re");
	if (!f)
		GTEST_SKIP() << "no /proc/meminfo";
	unsigned long long kib = 0;
	const int found = std::fscanf(f, "MemTotal: %llu kB", &kib);
	std::fclose(f);
	ASSERT_EQ(found, 1) << "/proc/meminfo does not start with MemTotal";
	EXPECT_EQ(memTotal(), uint64_t(kib) * 1024);
	EXPECT_EQ(Adapters(nullptr, nullptr, nullptr).memTotal(), memTotal());
}

TEST(AllocatePlan, DrmDumbWithoutTheTokenIsRefusedNotReached)
{
	Fixture f;
	const HeapChoice dumb{ "vkms-dumb", Backend::DrmDumb, "/dev/dri/card0" };
	auto a = allocatePlan(plan(1, { dumb, kSystem }), f.adapters);
	ASSERT_FALSE(a);
	ASSERT_TRUE(a.error().limit()) << a.error().message();
	EXPECT_EQ(a.error().limit()->limit, Limit::Backend);
	EXPECT_EQ(a.error().limit()->backend, "drm-dumb");
	EXPECT_EQ(a.error().limit()->request.heap, "vkms-dumb");
	EXPECT_EQ(a.error().message(), "error: refused: heap 'vkms-dumb' needs the drm-dumb backend, which this caller "
				       "was not given\n  while allocating buffer 'decoded'");
	EXPECT_EQ(f.heaps->calls, 0);
}

TEST(PrimaryNodeAccess, OnlyFromAPolicyThatAllowsDrmDumb)
{
	Policy allow;
	EXPECT_TRUE(PrimaryNodeAccess::fromPolicy(allow));
	Policy forbid;
	forbid.forbidBackends.push_back(Located<Backend>{ Backend::DrmDumb, {}, true });
	EXPECT_FALSE(PrimaryNodeAccess::fromPolicy(forbid));
	EXPECT_FALSE(Adapters::forMachine(std::nullopt).find(Backend::DrmDumb));
	EXPECT_TRUE(Adapters::forMachine(PrimaryNodeAccess::fromPolicy(allow)).find(Backend::DrmDumb));
	static_assert(!std::is_default_constructible_v<PrimaryNodeAccess>);
}

// The real DMA-BUF heap adapter over a fake heap directory: ENOENT walks the whole list.
TEST(AllocatePlan, FakeHeapDirectoryFallsBackOnENOENT)
{
	test::FakeTree t;
	t.write("heaps/notaheap", "");
	Adapters adapters(std::make_unique<DmaHeapAdapter>(DmaHeapPaths{ t.path("heaps"), "", "" }), nullptr, nullptr);
	const HeapChoice gone{ "gone", Backend::DmaHeap, "" };
	const HeapChoice notaheap{ "notaheap", Backend::DmaHeap, "" };
	const size_t before = test::openFdCount();
	auto a = allocatePlan(plan(2, { gone, notaheap }), adapters);
	ASSERT_FALSE(a);
	const auto &e = std::get<SystemError>(a.error().detail());
	EXPECT_EQ(e.err, ENOTTY) << "a regular file is no heap: the ioctl fails";
	EXPECT_EQ(e.path, t.path("heaps/notaheap"));
	EXPECT_EQ(e.op, "ioctl DMA_HEAP_IOCTL_ALLOC");
	EXPECT_EQ(a.error().frames().at(0), "falling back from heap 'gone', which refused: open " + t.path("heaps/gone") +
						    " (3137536 bytes from heap 'gone'): No such file or directory (errno 2)");
	EXPECT_EQ(test::openFdCount(), before);
}

} // namespace
} // namespace heapsolve
