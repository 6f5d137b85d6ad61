// SPDX-License-Identifier: Apache-2.0
// Every dma-buf heapsolve allocates is named after its buffer (DMA_BUF_SET_NAME), so that the
// kernel's own records say whose it is: /proc/<pid>/fdinfo/<fd> ("name:\t<name>",
// drivers/dma-buf/dma-buf.c dma_buf_show_fdinfo()) and /sys/kernel/debug/dma_buf/bufinfo
// (dma_buf_debug_show(), the name in the row of its exporter). Real heaps only where the kernel
// has them (the VM stage); a refusal of the name is logged, checked on any host with a memfd.
#include <cerrno>
#include <linux/dma-buf.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "adapters/fd/read_file.h"
#include "heapsolve/allocate.h"
#include "heapsolve/logging.h"
#include "tests/adapters/test_util.h"

namespace heapsolve {
namespace {

// The value of `key` ("name") in /proc/self/fdinfo/<fd>; "" when absent.
std::string fdinfo(int fd, const std::string &key)
{
	const std::string text = readFile("/proc/self/fdinfo/" + std::to_string(fd)).value_or("");
	const std::string prefix = key + ":\t";
	for (size_t pos = 0; pos < text.size();) {
		size_t end = text.find('\n', pos);
		if (end == std::string::npos)
			end = text.size();
		if (text.compare(pos, prefix.size(), prefix) == 0)
			return text.substr(pos + prefix.size(), end - pos - prefix.size());
		pos = end + 1;
	}
	return {};
}

Plan planFor(const HeapChoice &heap, const std::string &buffer, uint64_t count)
{
	Plan p;
	p.buffer = buffer;
	p.heap = heap;
	p.count = count;
	p.size = 8192;
	return p;
}

const HeapChoice kSystem{ "system", Backend::DmaHeap, "/dev/dma_heap/system" };
const HeapChoice kUdmabuf{ "udmabuf", Backend::Udmabuf, "/dev/udmabuf" };

TEST(DmaBufName, IsTheBufferNameCutToTheKernelLimit)
{
	EXPECT_EQ(dmaBufName("decoded"), "decoded");
	// include/uapi/linux/dma-buf.h: DMA_BUF_NAME_LEN 32, the NUL included; dma_buf_set_name()
	// refuses a longer string rather than cutting it.
	const std::string longName(40, 'x');
	EXPECT_EQ(dmaBufName(longName), std::string(DMA_BUF_NAME_LEN - 1, 'x'));
	EXPECT_EQ(dmaBufName(std::string(31, 'y')).size(), 31u);
}

TEST(DmaBufName, ARefusalIsLoggedNotFatal)
{
	// A memfd is no dma-buf: the ioctl fails (ENOTTY), as it does on kernels before 5.3.
	struct Seen {
		std::string category;
		LogSeverity severity;
		std::string text;
	};
	std::vector<Seen> seen;
	setLogLevel("DmaBuf", LogSeverity::Info);
	setLogSink([&](std::string_view c, LogSeverity s, std::string_view t) {
		seen.push_back({ std::string(c), s, std::string(t) });
	});
	const int fd = memfd_create("not-a-dma-buf", MFD_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_FALSE(nameDmaBuf(fd, "decoded"));
	close(fd);
	setLogSink({});
	setLogLevel("DmaBuf", LogSeverity::Warning);
	ASSERT_EQ(seen.size(), 1u);
	EXPECT_EQ(seen[0].category, "DmaBuf");
	EXPECT_EQ(seen[0].severity, LogSeverity::Info);
	EXPECT_NE(seen[0].text.find("DMA_BUF_SET_NAME 'decoded'"), std::string::npos) << seen[0].text;
	EXPECT_NE(seen[0].text.find("(errno " + std::to_string(ENOTTY) + ")"), std::string::npos) << seen[0].text;
}

// Every buffer of the allocation carries the name in fdinfo and in debugfs's bufinfo.
void expectNamed(const HeapChoice &heap, const std::string &buffer)
{
	const Adapters adapters = Adapters::forMachine(std::nullopt);
	auto a = allocatePlan(planFor(heap, buffer, 2), adapters);
	ASSERT_TRUE(a) << a.error().message();
	ASSERT_EQ(a->buffers.size(), 2u);
	const std::string want = dmaBufName(buffer);
	for (const DmaBuf &b : a->buffers)
		EXPECT_EQ(fdinfo(b.fd.get(), "name"), want) << "fd " << b.fd.get() << " of heap " << heap.name;
	auto bufinfo = readFile("/sys/kernel/debug/dma_buf/bufinfo");
	if (!bufinfo) {
		std::printf("@@HEAPSOLVE INFO no debugfs bufinfo here: %s\n", bufinfo.error().message().c_str());
		return;
	}
	// Each buffer's row ends with "<exp_name>\t<name>" (dma_buf_debug_show(), 6.12).
	size_t rows = 0;
	for (size_t pos = bufinfo->find("\t" + want + "\n"); pos != std::string::npos;
	     pos = bufinfo->find("\t" + want + "\n", pos + 1))
		++rows;
	EXPECT_EQ(rows, 2u) << *bufinfo;
}

TEST(DmaBufName, SystemHeapBuffersAreNamed)
{
	if (access(kSystem.path.c_str(), R_OK) != 0)
		GTEST_SKIP() << "no " << kSystem.path << " here";
	expectNamed(kSystem, "decoded-frame");
	expectNamed(kSystem, "a-buffer-name-longer-than-the-kernel-keeps");
}

TEST(DmaBufName, UdmabufBuffersAreNamed)
{
	if (access(kUdmabuf.path.c_str(), R_OK | W_OK) != 0)
		GTEST_SKIP() << "no " << kUdmabuf.path << " here";
	expectNamed(kUdmabuf, "camera-output");
}

} // namespace
} // namespace heapsolve
