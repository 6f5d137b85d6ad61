// SPDX-License-Identifier: Apache-2.0
// The C API allocating for real: a solved plan becomes dma-bufs with their layout, owned by one
// handle and freed with one call. Needs /dev/dma_heap/system: it skips on the build host and runs
// in the VM stage (tests/vm/run.sh), as root in a real kernel.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "heapsolve/heapsolve.h"
#include "tests/adapters/test_util.h"

namespace {

// Two NV12 frames from the system heap, display stride 256: the plan's layout is not the natural one.
const char *kSystemYaml = "version: 1\n"
			  "heaps:\n"
			  "  - {name: system, backend: dma-heap, path: /dev/dma_heap/system}\n"
			  "devices:\n"
			  "  - {name: vpu, kind: codec, align: {stride: 64, height: 16}}\n"
			  "  - {name: display, kind: display, align: {stride: 256}}\n"
			  "buffers:\n"
			  "  - {name: capi-frames, format: NV12, width: 1000, height: 500, count: 2,\n"
			  "     producer: vpu, consumers: [display]}\n";

// The value of `key` in /proc/self/fdinfo/<fd>.
std::string fdinfo(int fd, const std::string &key)
{
	std::string text;
	const int info = open(("/proc/self/fdinfo/" + std::to_string(fd)).c_str(), O_RDONLY | O_CLOEXEC);
	if (info < 0)
		return {};
	char buf[4096];
	ssize_t n;
	while ((n = read(info, buf, sizeof(buf))) > 0)
		text.append(buf, static_cast<size_t>(n));
	close(info);
	const std::string prefix = key + ":\t";
	size_t pos = text.rfind("\n" + prefix);
	if (pos == std::string::npos)
		return text.rfind(prefix, 0) == 0 ? text.substr(prefix.size(), text.find('\n') - prefix.size()) : "";
	pos += 1 + prefix.size();
	return text.substr(pos, text.find('\n', pos) - pos);
}

TEST(CApiAllocate, SystemHeapGivesDmaBufsWithTheirLayout)
{
	if (access("/dev/dma_heap/system", R_OK) != 0)
		GTEST_SKIP() << "no /dev/dma_heap/system here (the VM stage has it)";
	const size_t fdsBefore = heapsolve::test::openFdCount();

	const char *names[] = { "capi.yaml" };
	const char *texts[] = { kSystemYaml };
	heapsolve_system *system = nullptr;
	heapsolve_error *error = nullptr;
	ASSERT_EQ(heapsolve_system_load_from_memory(names, texts, 1, &system, &error), HEAPSOLVE_OK)
		<< heapsolve_error_message(error);
	heapsolve_plan *plan = nullptr;
	ASSERT_EQ(heapsolve_solve_buffer(system, "capi-frames", &plan, &error), HEAPSOLVE_OK)
		<< heapsolve_error_message(error);

	heapsolve_allocation *a = nullptr;
	ASSERT_EQ(heapsolve_allocate(system, plan, &a, &error), HEAPSOLVE_OK) << heapsolve_error_message(error);
	ASSERT_NE(a, nullptr);
	EXPECT_STREQ(heapsolve_allocation_heap(a), "system");
	EXPECT_STREQ(heapsolve_allocation_backend(a), "dma-heap");
	EXPECT_STREQ(heapsolve_allocation_fallbacks(a), "");
	ASSERT_EQ(heapsolve_allocation_buffer_count(a), heapsolve_plan_count(plan));
	ASSERT_EQ(heapsolve_allocation_buffer_count(a), 2u);

	// The layout is the plan's: stride 1024 (1000 aligned to lcm(64, 256)), height 512 (vpu 16).
	ASSERT_EQ(heapsolve_allocation_plane_count(a), heapsolve_plan_plane_count(plan));
	ASSERT_EQ(heapsolve_allocation_plane_count(a), 2u);
	for (size_t p = 0; p < 2; ++p) {
		EXPECT_EQ(heapsolve_allocation_offset(a, p), heapsolve_plan_offset(plan, p));
		EXPECT_EQ(heapsolve_allocation_stride(a, p), heapsolve_plan_stride(plan, p));
	}
	EXPECT_EQ(heapsolve_allocation_stride(a, 0), 1024u);
	EXPECT_EQ(heapsolve_allocation_offset(a, 1), 1024u * 512u);
	EXPECT_EQ(heapsolve_allocation_stride(a, 2), 0u); // out of range

	for (size_t i = 0; i < 2; ++i) {
		const int fd = heapsolve_allocation_fd(a, i);
		ASSERT_GE(fd, 0);
		EXPECT_GE(heapsolve_allocation_size(a, i), heapsolve_plan_size(plan));
		// The kernel's own view: a dma-buf of the system heap, of that size, named after the buffer.
		EXPECT_EQ(fdinfo(fd, "exp_name"), "system");
		EXPECT_STREQ(heapsolve_allocation_exporter(a, i), "system");
		EXPECT_EQ(fdinfo(fd, "size"), std::to_string(heapsolve_allocation_size(a, i)));
		EXPECT_EQ(fdinfo(fd, "name"), "capi-frames");
		EXPECT_NE(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
		// Usable memory: the last byte of the last plane can be written through a mapping.
		void *map = mmap(nullptr, heapsolve_plan_size(plan), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		ASSERT_NE(map, MAP_FAILED) << std::strerror(errno);
		static_cast<unsigned char *>(map)[heapsolve_plan_size(plan) - 1] = 0xa5;
		munmap(map, heapsolve_plan_size(plan));
	}
	EXPECT_EQ(heapsolve_allocation_fd(a, 2), -1);
	EXPECT_EQ(heapsolve::test::openFdCount(), fdsBefore + 2) << "the two dma-bufs, nothing else";

	// One fd handed over: the caller owns it, the handle no longer does.
	const int taken = heapsolve_allocation_release_fd(a, 1);
	ASSERT_GE(taken, 0);
	EXPECT_EQ(heapsolve_allocation_fd(a, 1), -1);
	EXPECT_EQ(heapsolve_allocation_release_fd(a, 1), -1);

	heapsolve_allocation_free(a);
	EXPECT_EQ(fcntl(taken, F_GETFD), 0 | FD_CLOEXEC) << "the released fd stays open";
	EXPECT_EQ(fdinfo(taken, "name"), "capi-frames");
	close(taken);
	heapsolve_plan_free(plan);
	heapsolve_system_free(system);
	EXPECT_EQ(heapsolve::test::openFdCount(), fdsBefore) << "one call freed every fd";
}

} // namespace
