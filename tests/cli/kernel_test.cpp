// SPDX-License-Identifier: Apache-2.0
// `heapsolve probe` and `heapsolve alloc` as functions: exit codes and what they print. On the
// host alloc can only be refused (no heaps); in the VM stage it really allocates.
#include "cli/kernel.h"

#include <dirent.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "cli/check.h"
#include "heapsolve/loader.h"
#include "tests/adapters/fake_tree.h"
#include "tests/adapters/test_util.h"
#include "tests/devicetree/live_board_dtb.h"

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

// Plain `probe` merges the firmware's device tree. No build machine has /sys/firmware/fdt, so
// the test hands runProbeLive (the `--fdt FILE` option of the CLI) a DTB that dtc compiled from
// tests/devicetree/live_board.dts, at the path the live probe reads. What the machine shows
// (memory here; heaps and DRM devices too in the VM stage) stays as the plain probe writes it;
// the DT adds its DMA masters, each with its source comment, and its memory and CMA pool as
// comments (the live heaps are what the kernel made of them).
TEST(ProbeCommand, LiveProbeMergesTheFirmwareDeviceTree)
{
	test::FakeTree t;
	const std::string fdt = t.write("fdt", std::string(reinterpret_cast<const char *>(kLiveBoardDtb), sizeof kLiveBoardDtb));
	std::ostringstream live, liveErr;
	const int liveStatus = runProbe(live, liveErr);
	std::ostringstream out, err;
	ASSERT_EQ(runProbeLive(fdt, DtbProbeOptions{}, out, err), kExitOk) << err.str();
	const std::string text = out.str();
	// The machine's part comes first and is unchanged.
	if (liveStatus == kExitOk) {
		EXPECT_EQ(text.rfind(live.str(), 0), 0u) << "live:\n"
							 << live.str() << "merged:\n"
							 << text;
	}
	// The DT's part, each value with its node and property (live_board.dts lines beside them).
	for (const char *line : {
		     "# model: heapsolve live-probe test board  (/model)\n",
		     "# DT memory [0x0, +0x40000000)  (/memory@0/reg)\n",				       // reg = <0x0 0x40000000>;
		     "# DT CMA pool linux,cma (default): 0x4000000 bytes (/reserved-memory/linux,cma/size)\n", // size = <0x4000000>;
		     "  - name: \"codec\"  # /__symbols__/codec\n",					       // codec: video-codec@7e100000
		     "    kind: codec  # node name video-codec@7e100000\n",
		     "    iommu: true  # /soc/video-codec@7e100000/iommus\n",	     // iommus = <&iommu>;
		     "      - { base: 0x0, size: 0x40000000 }  # /soc/dma-ranges\n", // dma-ranges = <0xc0000000 0x0 0x40000000>;
		     "  - name: \"isp\"  # /__symbols__/isp\n",
		     "    iommu: false  # /soc/isp@7e200000: no iommus\n",
		     "  # /soc/isp@7e200000/memory-region: its driver allocates its own buffers from /reserved-memory/linux,cma\n",
	     })
		EXPECT_NE(text.find(line), std::string::npos) << line << "in:\n"
							      << text;
	// One document that loads: the machine's heaps and devices, and the DT's two devices.
	const std::vector<InputFile> mergedFile{ InputFile{ "merged.yaml", text } };
	auto merged = loadSystem(mergedFile);
	ASSERT_TRUE(merged) << merged.error().message() << "\n"
			    << text;
	EXPECT_TRUE(merged->findDevice("codec"));
	EXPECT_TRUE(merged->findDevice("isp"));
	if (liveStatus == kExitOk) {
		const std::vector<InputFile> liveFile{ InputFile{ "live.yaml", live.str() } };
		auto alone = loadSystem(liveFile);
		ASSERT_TRUE(alone) << alone.error().message();
		EXPECT_EQ(merged->heaps.size(), alone->heaps.size());
		EXPECT_EQ(merged->devices.size(), alone->devices.size() + 2);
		EXPECT_EQ(merged->memory.size(), alone->memory.size());
		for (const Heap &h : alone->heaps)
			EXPECT_TRUE(merged->findHeap(h.name)) << h.name;
		for (const Device &d : alone->devices)
			EXPECT_TRUE(merged->findDevice(d.name)) << d.name;
		test::info("live probe + DT: " + std::to_string(alone->heaps.size()) + " live heaps, " +
			   std::to_string(alone->devices.size()) + " live devices, 2 DT devices");
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
