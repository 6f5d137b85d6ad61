// SPDX-License-Identifier: Apache-2.0
// The C API: loading, solving by name, the plan's numbers, a conflict's culprits, and every error
// as a code with an explanation.
#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "heapsolve/heapsolve.h"
#include "heapsolve/version.h"
#include "tests/adapters/test_util.h"

namespace {

const char *kSystem = "tests/capi/data/system.yaml";

struct Loaded {
	heapsolve_system *system = nullptr;
	Loaded()
	{
		heapsolve_error *error = nullptr;
		EXPECT_EQ(heapsolve_system_load(&kSystem, 1, &system, &error), HEAPSOLVE_OK)
			<< heapsolve_error_message(error);
		heapsolve_error_free(error);
	}
	~Loaded() { heapsolve_system_free(system); }
};

TEST(CApi, SolvesBufferByName)
{
	Loaded l;
	ASSERT_NE(l.system, nullptr);
	ASSERT_EQ(heapsolve_system_buffer_count(l.system), 2u);
	EXPECT_STREQ(heapsolve_system_buffer_name(l.system, 0), "decoded");
	EXPECT_EQ(heapsolve_system_buffer_name(l.system, 2), nullptr);

	heapsolve_plan *plan = nullptr;
	ASSERT_EQ(heapsolve_solve_buffer(l.system, "decoded", &plan, nullptr), HEAPSOLVE_OK);
	ASSERT_TRUE(heapsolve_plan_ok(plan));
	EXPECT_STREQ(heapsolve_plan_buffer(plan), "decoded");
	// Only cma lies inside display's window; stride 2048 (display 256), height 1088 (vpu 16).
	EXPECT_STREQ(heapsolve_plan_heap(plan), "cma");
	EXPECT_STREQ(heapsolve_plan_backend(plan), "dma-heap");
	EXPECT_STREQ(heapsolve_plan_heap_path(plan), "/dev/dma_heap/cma");
	EXPECT_STREQ(heapsolve_plan_format(plan), "NV12");
	EXPECT_STREQ(heapsolve_plan_modifier(plan), "LINEAR");
	EXPECT_EQ(heapsolve_plan_width(plan), 1920u);
	EXPECT_EQ(heapsolve_plan_height(plan), 1080u);
	EXPECT_EQ(heapsolve_plan_count(plan), 4u);
	EXPECT_EQ(heapsolve_plan_size(plan), 3342336u);
	ASSERT_EQ(heapsolve_plan_plane_count(plan), 2u);
	EXPECT_EQ(heapsolve_plan_offset(plan, 0), 0u);
	EXPECT_EQ(heapsolve_plan_stride(plan, 0), 2048u);
	EXPECT_EQ(heapsolve_plan_offset(plan, 1), 2228224u);
	EXPECT_EQ(heapsolve_plan_stride(plan, 1), 2048u);
	EXPECT_EQ(heapsolve_plan_stride(plan, 2), 0u); // out of range
	EXPECT_EQ(heapsolve_plan_conflict_count(plan), 0u);
	EXPECT_EQ(heapsolve_plan_conflict_user(plan, 0), nullptr);
	EXPECT_NE(std::string(heapsolve_plan_explain(plan)).find("stride"), std::string::npos)
		<< heapsolve_plan_explain(plan);
	heapsolve_plan_free(plan);
}

TEST(CApi, ExplainsConflictNamingCulprits)
{
	Loaded l;
	heapsolve_plan *plan = nullptr;
	heapsolve_error *error = nullptr;
	ASSERT_EQ(heapsolve_solve_buffer(l.system, "impossible", &plan, &error), HEAPSOLVE_ERROR_UNSATISFIABLE);
	ASSERT_NE(plan, nullptr);
	ASSERT_NE(error, nullptr);
	EXPECT_EQ(heapsolve_error_code(error), HEAPSOLVE_ERROR_UNSATISFIABLE);
	std::string message = heapsolve_error_message(error);
	EXPECT_EQ(message.rfind("buffer impossible is unsatisfiable:\n", 0), 0u) << message;
	EXPECT_NE(message.find("display"), std::string::npos) << message;
	EXPECT_NE(message.find("dma32"), std::string::npos) << message;
	heapsolve_error_free(error);

	EXPECT_FALSE(heapsolve_plan_ok(plan));
	EXPECT_EQ(heapsolve_plan_heap(plan), nullptr);
	EXPECT_EQ(heapsolve_plan_size(plan), 0u);
	bool display = false, dma32 = false;
	for (size_t i = 0; i < heapsolve_plan_conflict_count(plan); i++) {
		std::string user = heapsolve_plan_conflict_user(plan, i);
		std::string rule = heapsolve_plan_conflict_rule(plan, i);
		std::string at = heapsolve_plan_conflict_at(plan, i);
		if (user == "display" && rule == "address") {
			display = true;
			EXPECT_EQ(at, std::string(kSystem) + ":20");
			EXPECT_STREQ(heapsolve_plan_conflict_detail(plan, i), "needs [0x40000000, 0x50000000)");
		}
		if (user == "dma32" && rule == "address") {
			dma32 = true;
			EXPECT_EQ(at, std::string(kSystem) + ":25");
		}
	}
	EXPECT_TRUE(display);
	EXPECT_TRUE(dma32);
	EXPECT_EQ(heapsolve_plan_conflict_user(plan, heapsolve_plan_conflict_count(plan)), nullptr);
	EXPECT_NE(std::string(heapsolve_plan_explain(plan)).find("display"), std::string::npos);
	heapsolve_plan_free(plan);
}

TEST(CApi, BadInputCitesPosition)
{
	const char *names[] = { "board.yaml" };
	const char *texts[] = { "version: 1\nheaps:\n  - name: cma\n    backend: ion\n" };
	heapsolve_system *system = nullptr;
	heapsolve_error *error = nullptr;
	EXPECT_EQ(heapsolve_system_load_from_memory(names, texts, 1, &system, &error), HEAPSOLVE_ERROR_BAD_INPUT);
	EXPECT_EQ(system, nullptr);
	ASSERT_NE(error, nullptr);
	EXPECT_EQ(heapsolve_error_code(error), HEAPSOLVE_ERROR_BAD_INPUT);
	std::string message = heapsolve_error_message(error);
	EXPECT_EQ(message.rfind("board.yaml:4:14: error:", 0), 0u) << message;
	EXPECT_NE(message.find("ion"), std::string::npos) << message;
	heapsolve_error_free(error);
}

TEST(CApi, MissingFileIsAnErrorNamingIt)
{
	const char *path = "tests/capi/data/absent.yaml";
	heapsolve_system *system = nullptr;
	heapsolve_error *error = nullptr;
	heapsolve_status status = heapsolve_system_load(&path, 1, &system, &error);
	// The header's contract: a file that cannot be read is the operating system's refusal.
	EXPECT_EQ(status, HEAPSOLVE_ERROR_SYSTEM);
	EXPECT_EQ(heapsolve_error_code(error), status);
	EXPECT_EQ(heapsolve_error_errno(error), ENOENT);
	EXPECT_EQ(std::string(heapsolve_error_message(error)),
		  std::string(path) + ":1:1: error: cannot read: No such file or directory");
	heapsolve_error_free(error);
}

// Loads one in-memory file as "sys.yaml" and solves `buffer` in it.
struct Solved {
	heapsolve_system *system = nullptr;
	heapsolve_plan *plan = nullptr;
	heapsolve_status status = HEAPSOLVE_OK;
	Solved(const std::string &text, const char *buffer)
	{
		const char *names[] = { "sys.yaml" };
		const char *texts[] = { text.c_str() };
		EXPECT_EQ(heapsolve_system_load_from_memory(names, texts, 1, &system, nullptr), HEAPSOLVE_OK);
		status = heapsolve_solve_buffer(system, buffer, &plan, nullptr);
	}
	~Solved()
	{
		heapsolve_plan_free(plan);
		heapsolve_system_free(system);
	}
};

TEST(CApiAllocate, UsageErrors)
{
	Loaded l;
	heapsolve_plan *conflict = nullptr;
	ASSERT_EQ(heapsolve_solve_buffer(l.system, "impossible", &conflict, nullptr), HEAPSOLVE_ERROR_UNSATISFIABLE);
	heapsolve_allocation *a = reinterpret_cast<heapsolve_allocation *>(&l); // must be overwritten
	heapsolve_error *error = nullptr;
	EXPECT_EQ(heapsolve_allocate(l.system, conflict, &a, &error), HEAPSOLVE_ERROR_USAGE);
	EXPECT_EQ(a, nullptr);
	EXPECT_STREQ(heapsolve_error_message(error),
		     "heapsolve_allocate: buffer 'impossible' holds a conflict, not a plan");
	heapsolve_error_free(error);
	EXPECT_EQ(heapsolve_allocate(nullptr, conflict, &a, nullptr), HEAPSOLVE_ERROR_USAGE);
	EXPECT_EQ(heapsolve_allocate(l.system, nullptr, &a, nullptr), HEAPSOLVE_ERROR_USAGE);
	EXPECT_EQ(heapsolve_allocate(l.system, conflict, nullptr, nullptr), HEAPSOLVE_ERROR_USAGE);
	heapsolve_plan_free(conflict);
	// Getters of no allocation answer "nothing".
	EXPECT_EQ(heapsolve_allocation_buffer_count(nullptr), 0u);
	EXPECT_EQ(heapsolve_allocation_fd(nullptr, 0), -1);
	EXPECT_EQ(heapsolve_allocation_release_fd(nullptr, 0), -1);
	EXPECT_EQ(heapsolve_allocation_heap(nullptr), nullptr);
	EXPECT_EQ(heapsolve_allocation_plane_count(nullptr), 0u);
	heapsolve_allocation_free(nullptr);
	EXPECT_STREQ(heapsolve_status_name(HEAPSOLVE_ERROR_LIMIT), "limit");
}

TEST(CApiAllocate, MissingHeapNodeIsTheSystemsRefusalWithErrno)
{
	Solved s("version: 1\n"
		 "heaps: [{name: ghost, backend: dma-heap, path: /nonexistent/dma_heap/ghost}]\n"
		 "devices: [{name: cam, kind: camera}]\n"
		 "buffers: [{name: frame, format: R8, width: 64, height: 64, producer: cam}]\n",
		 "frame");
	ASSERT_EQ(s.status, HEAPSOLVE_OK);
	const size_t fds = heapsolve::test::openFdCount();
	heapsolve_allocation *a = nullptr;
	heapsolve_error *error = nullptr;
	EXPECT_EQ(heapsolve_allocate(s.system, s.plan, &a, &error), HEAPSOLVE_ERROR_SYSTEM);
	EXPECT_EQ(a, nullptr);
	EXPECT_EQ(heapsolve_error_errno(error), ENOENT);
	EXPECT_EQ(std::string(heapsolve_error_message(error)),
		  "error: open /nonexistent/dma_heap/ghost (4096 bytes from heap 'ghost'): No such file or directory "
		  "(errno 2)\n  while allocating 1 x 4096 bytes for buffer 'frame' from heap 'ghost'");
	heapsolve_error_free(error);
	EXPECT_EQ(heapsolve::test::openFdCount(), fds);
}

TEST(CApiAllocate, OverTheLibrarysLimitIsRefusedWithoutAnErrno)
{
	// 20000 x 20000 XRGB8888: 1.6 GB in one buffer, over the 1 GiB per-buffer bound.
	Solved s("version: 1\n"
		 "heaps: [{name: ghost, backend: dma-heap, path: /nonexistent/dma_heap/ghost}]\n"
		 "devices: [{name: cam, kind: camera}]\n"
		 "buffers: [{name: huge, format: XRGB8888, width: 20000, height: 20000, producer: cam}]\n",
		 "huge");
	ASSERT_EQ(s.status, HEAPSOLVE_OK);
	heapsolve_allocation *a = nullptr;
	heapsolve_error *error = nullptr;
	EXPECT_EQ(heapsolve_allocate(s.system, s.plan, &a, &error), HEAPSOLVE_ERROR_LIMIT);
	EXPECT_EQ(a, nullptr);
	EXPECT_EQ(heapsolve_error_errno(error), 0) << "no kernel was asked: no errno";
	const std::string message = heapsolve_error_message(error);
	EXPECT_EQ(message.substr(0, message.find('\n')),
		  "error: refused " + std::to_string(heapsolve_plan_size(s.plan)) +
			  " bytes from heap 'ghost' at /nonexistent/dma_heap/ghost: above heapsolve's limit of "
			  "1073741824 bytes per buffer");
	heapsolve_error_free(error);
}

TEST(CApiProbe, GivesYamlThatLoadsOrSaysWhyNot)
{
	char *yaml = reinterpret_cast<char *>(&yaml); // must be overwritten
	heapsolve_error *error = nullptr;
	EXPECT_EQ(heapsolve_probe(1u << 7, &yaml, &error), HEAPSOLVE_ERROR_USAGE);
	EXPECT_EQ(yaml, nullptr);
	EXPECT_STREQ(heapsolve_error_message(error), "heapsolve_probe: unknown flags 128");
	heapsolve_error_free(error);
	EXPECT_EQ(heapsolve_probe(0, nullptr, nullptr), HEAPSOLVE_ERROR_USAGE);

	error = nullptr;
	const heapsolve_status status = heapsolve_probe(0, &yaml, &error);
	if (status != HEAPSOLVE_OK) {
		// A machine where nothing can be read (no /proc/iomem, heaps or DRM devices).
		EXPECT_EQ(status, HEAPSOLVE_ERROR_SYSTEM);
		EXPECT_EQ(yaml, nullptr);
		EXPECT_EQ(std::string(heapsolve_error_message(error)).rfind("nothing to describe", 0), 0u);
		heapsolve_error_free(error);
		GTEST_SKIP() << "nothing to probe here";
	}
	ASSERT_NE(yaml, nullptr);
	EXPECT_EQ(error, nullptr);
	// What probe describes is a schema-1 file `check` loads.
	const char *names[] = { "probe.yaml" };
	const char *texts[] = { yaml };
	heapsolve_system *system = nullptr;
	EXPECT_EQ(heapsolve_system_load_from_memory(names, texts, 1, &system, &error), HEAPSOLVE_OK)
		<< heapsolve_error_message(error) << "\n"
		<< yaml;
	heapsolve_error_free(error);
	heapsolve_system_free(system);
	heapsolve_string_free(yaml);
}

TEST(CApi, UsageErrors)
{
	Loaded l;
	heapsolve_plan *plan = reinterpret_cast<heapsolve_plan *>(&l); // must be overwritten
	heapsolve_error *error = nullptr;
	EXPECT_EQ(heapsolve_solve_buffer(l.system, "overlay", &plan, &error), HEAPSOLVE_ERROR_USAGE);
	EXPECT_EQ(plan, nullptr);
	EXPECT_STREQ(heapsolve_error_message(error), "no buffer named 'overlay' in the system");
	heapsolve_error_free(error);
	EXPECT_EQ(heapsolve_solve_buffer(nullptr, "decoded", &plan, nullptr), HEAPSOLVE_ERROR_USAGE);
	EXPECT_EQ(heapsolve_system_load(nullptr, 1, nullptr, nullptr), HEAPSOLVE_ERROR_USAGE);
	EXPECT_STREQ(heapsolve_status_name(HEAPSOLVE_ERROR_UNSATISFIABLE), "unsatisfiable");
	// The version is written once, in VERSION; the library and the generated header agree on it.
	EXPECT_STREQ(heapsolve_version(), HEAPSOLVE_VERSION_STRING);
	EXPECT_EQ(std::string(heapsolve_version()), std::to_string(HEAPSOLVE_VERSION_MAJOR) + "." +
							    std::to_string(HEAPSOLVE_VERSION_MINOR) + "." +
							    std::to_string(HEAPSOLVE_VERSION_PATCH));
}

} // namespace
