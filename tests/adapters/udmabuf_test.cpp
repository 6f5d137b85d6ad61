// SPDX-License-Identifier: Apache-2.0
#include "adapters/udmabuf/udmabuf.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/adapters/fake_tree.h"
#include "tests/adapters/test_util.h"

namespace heapsolve {
namespace {

Plan planOf(uint64_t size)
{
	Plan p;
	p.buffer = "frame";
	p.heap = HeapChoice{ "udmabuf", Backend::Udmabuf, "" };
	p.count = 1;
	p.size = size;
	return p;
}

TEST(UdmabufProbe, DescribesTheDeviceWithItsSizeLimit)
{
	test::FakeTree t;
	UdmabufAdapter a({ t.write("udmabuf", ""), t.write("size_limit_mb", "64\n") });
	auto offer = a.probe();
	ASSERT_TRUE(offer);
	ASSERT_EQ(offer->heaps.size(), 1u);
	const Heap &h = offer->heaps[0];
	EXPECT_EQ(h.name, "udmabuf");
	EXPECT_EQ(h.backend.value, Backend::Udmabuf);
	EXPECT_FALSE(h.contiguous.value);
	EXPECT_TRUE(h.cached.value);
	ASSERT_TRUE(h.maxBuffer);
	EXPECT_EQ(h.maxBuffer->value, 64u << 20);
}

TEST(UdmabufProbe, MissingDeviceIsANote)
{
	UdmabufAdapter a({ "/nonexistent/udmabuf", "/nonexistent/limit" });
	auto offer = a.probe();
	ASSERT_TRUE(offer);
	EXPECT_TRUE(offer->heaps.empty());
	EXPECT_NE(offer->notes.at(0).find("no udmabuf"), std::string::npos);
}

TEST(UdmabufAllocate, MissingDeviceIsENOENTAndLeavesNoFd)
{
	UdmabufAdapter a({ "/nonexistent/udmabuf", "" });
	const size_t before = test::openFdCount();
	auto b = a.allocate(planOf(4096), HeapChoice{ "udmabuf", Backend::Udmabuf, "" });
	ASSERT_FALSE(b);
	const auto &e = std::get<SystemError>(b.error().detail());
	EXPECT_EQ(e.err, ENOENT);
	EXPECT_EQ(e.path, "/nonexistent/udmabuf");
	EXPECT_EQ(test::openFdCount(), before) << "the memfd is closed on failure";
}

TEST(UdmabufAllocate, RealDevice)
{
	if (access("/dev/udmabuf", F_OK) != 0)
		GTEST_SKIP() << "no /dev/udmabuf on this machine (CONFIG_UDMABUF); tests/vm/run.sh runs this in a real kernel";
	const size_t before = test::openFdCount();
	{
		UdmabufAdapter a;
		// Not a page multiple: the adapter rounds up, as udmabuf needs whole pages.
		const auto start = std::chrono::steady_clock::now();
		auto b = a.allocate(planOf(3 * 4096 + 100), HeapChoice{ "udmabuf", Backend::Udmabuf, "" });
		const long long us = test::microsSince(start);
		ASSERT_TRUE(b) << b.error().message();
		test::info("udmabuf: 16 KiB in " + std::to_string(us) + " us, exp_name '" + b->exporter + "'");
		EXPECT_EQ(b->size, 4u * 4096);
		EXPECT_EQ(b->exporter, "udmabuf");
		EXPECT_TRUE(fcntl(b->fd.get(), F_GETFD) & FD_CLOEXEC);
		void *map = mmap(nullptr, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd.get(), 0);
		ASSERT_NE(map, MAP_FAILED) << std::strerror(errno);
		static_cast<char *>(map)[b->size - 1] = 42;
		EXPECT_EQ(static_cast<char *>(map)[b->size - 1], 42);
		munmap(map, b->size);
	}
	EXPECT_EQ(test::openFdCount(), before) << "memfd, /dev/udmabuf and the dma-buf are all closed";
}

} // namespace
} // namespace heapsolve
