// SPDX-License-Identifier: Apache-2.0
// `heapsolve probe` and `heapsolve alloc` as functions: exit codes and what they print. On the
// host alloc can only be refused (no heaps); in the VM stage it really allocates.
#include "cli/kernel.h"

#include <dirent.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "cli/check.h"
#include "tests/adapters/fake_tree.h"
#include "tests/adapters/test_util.h"

namespace heapsolve::cli {
namespace {

TEST(ProbeCommand, PrintsYamlOrExits2)
{
	std::ostringstream out, err;
	int status = runProbe(out, err);
	if (status == kExitOk) {
		EXPECT_EQ(out.str().rfind("# This machine as `heapsolve probe` saw it", 0), 0u) << out.str();
		EXPECT_NE(out.str().find("\nversion: 1\n"), std::string::npos);
	} else {
		EXPECT_EQ(status, kExitBadInput);
		EXPECT_TRUE(out.str().empty()) << "nothing on stdout when nothing could be read";
	}
}

TEST(AllocCommand, KernelRefusalExits3WithErrno)
{
	test::FakeTree t;
	const std::string file = t.write("ghost.yaml", "version: 1\n"
						       "heaps:\n"
						       "  - name: ghost\n"
						       "    backend: dma-heap\n"
						       "    path: /nonexistent/dma_heap/ghost\n"
						       "devices:\n"
						       "  - name: cpu0\n"
						       "    kind: cpu\n"
						       "  - name: cpu1\n"
						       "    kind: cpu\n"
						       "buffers:\n"
						       "  - name: frame\n"
						       "    format: NV12\n"
						       "    width: 64\n"
						       "    height: 64\n"
						       "    producer: cpu0\n"
						       "    consumers: [cpu1]\n");
	std::ostringstream out, err;
	EXPECT_EQ(runAlloc({ file }, "frame", out, err), kExitKernelRefused) << out.str() << err.str();
	EXPECT_EQ(err.str().substr(0, err.str().find('\n')),
		  "error: open /nonexistent/dma_heap/ghost (8192 bytes from heap 'ghost'): No such file or directory (errno 2)");
	EXPECT_NE(err.str().find("for buffer 'frame' from heap 'ghost'"), std::string::npos) << err.str();
}

TEST(AllocCommand, UnknownBufferExits2)
{
	test::FakeTree t;
	const std::string file = t.write("empty.yaml", "version: 1\n");
	std::ostringstream out, err;
	EXPECT_EQ(runAlloc({ file }, "nope", out, err), kExitBadInput);
	EXPECT_NE(err.str().find("no buffer named 'nope'"), std::string::npos) << err.str();
}

// This machine's own probe plus a pipeline between its devices: allocated for real where the
// kernel has heaps and a render node (the VM stage); skipped elsewhere.
TEST(AllocCommand, AllocatesOnThisMachine)
{
	std::ostringstream yaml, err;
	if (runProbe(yaml, err) != kExitOk || yaml.str().find("kind: render") == std::string::npos ||
	    yaml.str().find("backend: dma-heap") == std::string::npos)
		GTEST_SKIP() << "this machine has no DMA-BUF heap or DRM render node; tests/vm/run.sh runs this in a real kernel";
	test::FakeTree t;
	const std::string machine = t.write("machine.yaml", yaml.str());
	// The render node probe names it after its driver; vgem in the VM.
	const std::string pipeline = t.write("pipeline.yaml", "version: 1\n"
							      "devices:\n"
							      "  - name: cpu0\n"
							      "    kind: cpu\n"
							      "buffers:\n"
							      "  - name: frame\n"
							      "    format: XRGB8888\n"
							      "    width: 1920\n"
							      "    height: 1080\n"
							      "    count: 2\n"
							      "    producer: cpu0\n"
							      "    consumers: [vgem]\n");
	const size_t before = test::openFdCount();
	std::ostringstream out, err2;
	EXPECT_EQ(runAlloc({ machine, pipeline }, "frame", out, err2), kExitOk) << out.str() << err2.str();
	EXPECT_NE(out.str().find("buffer 'frame': 2 x 8294400 bytes from heap '"), std::string::npos) << out.str();
	EXPECT_EQ(test::openFdCount(), before) << "alloc releases what it allocated";
	const std::string text = out.str();
	test::info("heapsolve alloc: " + text.substr(0, text.find('\n')));
}

} // namespace
} // namespace heapsolve::cli
