// SPDX-License-Identifier: Apache-2.0
// Leaks and refusals in a real kernel (tests/vm/run.sh; skipped where /dev/dma_heap is missing).
// - 100,000 allocate/free cycles through allocatePlan: the process's fd count and the kernel's
//   own list of dma-bufs (debugfs dma_buf/bufinfo, "Total N objects") are the same afterwards.
// - Refusals the kernel really makes give the documented answer (heapsolve/allocate.h): no
//   permission on the heap node (EACCES, as an unprivileged user), a heap that is not there
//   (ENOENT) and a full heap (ENOMEM from the CMA heap): a SystemError naming the node, and a
//   fallback to the next eligible heap when there is one.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <optional>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "heapsolve/allocate.h"
#include "tests/adapters/test_util.h"

namespace heapsolve {
namespace {

const char *const kBufinfo = "/sys/kernel/debug/dma_buf/bufinfo";

// "Total N objects" of debugfs bufinfo: every dma-buf alive in the kernel, whoever holds it.
std::optional<long> kernelDmaBufCount()
{
	std::ifstream in(kBufinfo);
	std::string line;
	static const std::regex total("Total ([0-9]+) objects");
	std::smatch m;
	while (std::getline(in, line))
		if (std::regex_search(line, m, total))
			return std::stol(m[1]);
	return std::nullopt;
}

Plan planFor(const std::vector<HeapChoice> &heaps, uint64_t size, uint64_t count = 1)
{
	Plan p;
	p.buffer = "cycles";
	p.heap = heaps.front();
	p.others.assign(heaps.begin() + 1, heaps.end());
	p.format = "R8";
	p.modifier = "LINEAR";
	p.width = size;
	p.height = 1;
	p.count = count;
	p.size = size;
	p.planes = { { 0, size } };
	return p;
}

const HeapChoice kSystem{ "system", Backend::DmaHeap, "/dev/dma_heap/system" };
const HeapChoice kMissing{ "no-such-heap", Backend::DmaHeap, "/dev/dma_heap/no-such-heap" };

bool haveSystemHeap()
{
	return access(kSystem.path.c_str(), F_OK) == 0;
}

std::optional<HeapChoice> cmaHeap()
{
	for (const char *name : { "reserved", "linux,cma", "default_cma_region" }) {
		const std::string path = std::string("/dev/dma_heap/") + name;
		if (access(path.c_str(), F_OK) == 0)
			return HeapChoice{ name, Backend::DmaHeap, path };
	}
	return std::nullopt;
}

const SystemError &systemError(const Error &e)
{
	static const SystemError none{};
	return e.system() ? *e.system() : none;
}

TEST(Cycles, HundredThousandAllocFreeLeaveNoFdAndNoDmaBuf)
{
	if (!haveSystemHeap())
		GTEST_SKIP() << "no /dev/dma_heap/system here; tests/vm/run.sh runs this in a real kernel";
	const Adapters adapters = Adapters::forMachine(std::nullopt);
	const Plan plan = planFor({ kSystem }, 4096);
	// Warm up once: the first allocation opens the heap node, which the adapter keeps open.
	{
		auto a = allocatePlan(plan, adapters);
		ASSERT_TRUE(a) << a.error().message();
	}
	const size_t fdsBefore = test::openFdCount();
	const std::optional<long> bufsBefore = kernelDmaBufCount();
	if (bufsBefore) {
		// The count is live: one held buffer shows as one more object.
		auto held = allocatePlan(plan, adapters);
		ASSERT_TRUE(held) << held.error().message();
		EXPECT_EQ(kernelDmaBufCount(), *bufsBefore + 1) << kBufinfo;
	}
	constexpr int kCycles = 100000;
	const auto start = std::chrono::steady_clock::now();
	for (int i = 0; i < kCycles; ++i) {
		auto a = allocatePlan(plan, adapters);
		if (!a) {
			ADD_FAILURE() << "cycle " << i << ": " << a.error().message();
			break;
		}
		if (a->buffers.size() != 1 || !a->buffers[0].fd.isValid()) {
			ADD_FAILURE() << "cycle " << i << ": no buffer";
			break;
		}
	}
	const long long us = test::microsSince(start);
	EXPECT_EQ(test::openFdCount(), fdsBefore);
	if (bufsBefore) {
		EXPECT_EQ(kernelDmaBufCount(), bufsBefore) << kBufinfo;
		test::info("cycles: " + std::to_string(kCycles) + " system-heap alloc/free in " + std::to_string(us / 1000) +
			   " ms; fds " + std::to_string(fdsBefore) + " before and after; bufinfo " +
			   std::to_string(*bufsBefore) + " objects before and after");
	} else {
		test::info("cycles: " + std::to_string(kCycles) + " alloc/free in " + std::to_string(us / 1000) +
			   " ms; fd count unchanged; no " + std::string(kBufinfo) + " (debugfs or CONFIG_DEBUG_FS missing)");
	}
}

TEST(Refusals, MissingHeapIsENOENTAndFallsBack)
{
	if (!haveSystemHeap())
		GTEST_SKIP() << "no /dev/dma_heap/system here";
	const Adapters adapters = Adapters::forMachine(std::nullopt);
	auto alone = allocatePlan(planFor({ kMissing }, 4096), adapters);
	ASSERT_FALSE(alone);
	EXPECT_EQ(systemError(alone.error()).err, ENOENT) << alone.error().message();
	EXPECT_EQ(systemError(alone.error()).path, kMissing.path) << alone.error().message();

	const size_t fds = test::openFdCount();
	{
		// Adapters of their own: the node they keep open (the system heap's) goes with them.
		const Adapters fresh = Adapters::forMachine(std::nullopt);
		auto fell = allocatePlan(planFor({ kMissing, kSystem }, 4096, 2), fresh);
		ASSERT_TRUE(fell) << fell.error().message();
		EXPECT_EQ(fell->heap.name, "system");
		EXPECT_EQ(fell->buffers.size(), 2u);
		ASSERT_EQ(fell->fallbacks.size(), 1u);
		EXPECT_NE(fell->fallbacks[0].find("no-such-heap"), std::string::npos) << fell->fallbacks[0];
	}
	EXPECT_EQ(test::openFdCount(), fds);
}

TEST(Refusals, NoPermissionOnTheHeapNodeIsEACCES)
{
	if (!haveSystemHeap())
		GTEST_SKIP() << "no /dev/dma_heap/system here";
	struct stat st {
	};
	ASSERT_EQ(stat(kSystem.path.c_str(), &st), 0);
	if (st.st_mode & S_IROTH)
		GTEST_SKIP() << kSystem.path << " is world-readable here: no refusal to provoke";
	// A child drops to an unprivileged user (root would pass the permission check) and reports
	// the errno it gets through its exit status.
	const pid_t pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(100);
		const Adapters adapters = Adapters::forMachine(std::nullopt);
		auto a = allocatePlan(planFor({ kSystem }, 4096), adapters);
		if (a)
			_exit(101);
		const bool named = systemError(a.error()).path == kSystem.path;
		_exit(named ? systemError(a.error()).err : 102);
	}
	int status = 0;
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), EACCES) << "100: could not drop privileges, 101: allocated, 102: node not named";
}

TEST(Refusals, AFullCmaHeapIsENOMEM)
{
	const std::optional<HeapChoice> cma = cmaHeap();
	if (!cma)
		GTEST_SKIP() << "no CMA heap in this kernel (the heaps kernel has one: cma=64M)";
	const Adapters adapters = Adapters::forMachine(std::nullopt);
	const size_t fds = test::openFdCount();
	// 128 MiB: under the library's own bound (1 GiB, half of MemTotal) but twice the CMA area.
	auto a = allocatePlan(planFor({ *cma }, uint64_t(128) << 20), adapters);
	ASSERT_FALSE(a) << "128 MiB from a 64 MiB CMA area succeeded";
	EXPECT_EQ(systemError(a.error()).err, ENOMEM) << a.error().message();
	EXPECT_EQ(systemError(a.error()).path, cma->path) << a.error().message();
	EXPECT_EQ(systemError(a.error()).request.size, uint64_t(128) << 20);
	EXPECT_EQ(test::openFdCount(), fds);
}

} // namespace
} // namespace heapsolve
