// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/probe.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "heapsolve/loader.h"
#include "tests/adapters/fake_tree.h"
#include "tests/adapters/test_util.h"

namespace heapsolve {
namespace {

// The probe's YAML read as schema 1, the additions of 2026-12 included (per-format modifiers of
// KMS planes, page_size), whether or not this build's solver applies them yet.
Result<System> load(const std::string &yaml)
{
	std::vector<InputFile> files{ { "probe.yaml", yaml } };
	return parseSystem(files);
}

TEST(Probe, FakeMachineIsValidSchema1)
{
	test::FakeTree t;
	for (const char *h : { "system", "system-uncached", "linux,cma" })
		t.write(std::string("heaps/") + h, "");
	ProbeOptions o;
	o.dmaHeap = { t.path("heaps"), t.write("cmdline", "cma=64M@0-256M"), t.path("dt") };
	o.udmabuf = { t.write("udmabuf", ""), t.write("limit", "64") };
	o.iomem = t.write("iomem", "00000000-00000fff : Reserved\n"
				   "00001000-0009fbff : System RAM\n"
				   "00100000-1ffdffff : System RAM\n"
				   "  01000000-01ffffff : Kernel code\n");
	o.drm = false;
	MachineDescription m = probeMachine(o);
	ASSERT_FALSE(m.empty());
	const std::string yaml = toYaml(m);
	auto sys = load(yaml);
	ASSERT_TRUE(sys) << sys.error().message() << "\n"
			 << yaml;
	ASSERT_EQ(sys->memory.size(), 2u);
	EXPECT_EQ(sys->memory[1].base, 0x100000u);
	EXPECT_EQ(sys->memory[1].size, 0x1fee0000u);
	ASSERT_EQ(sys->heaps.size(), 4u) << yaml;

	const Heap *cma = sys->findHeap("linux,cma");
	ASSERT_TRUE(cma) << yaml;
	EXPECT_TRUE(cma->contiguous.value);
	EXPECT_EQ(cma->regionsFrom, RegionsFrom::Written);
	EXPECT_EQ(cma->regions.windows.at(0).size, 256u << 20);
	EXPECT_EQ(cma->maxBuffer->value, 64u << 20);
	EXPECT_EQ(cma->devicePath(), t.path("heaps/linux,cma"));

	const Heap *uncached = sys->findHeap("system-uncached");
	ASSERT_TRUE(uncached);
	EXPECT_FALSE(uncached->cached.value);
	EXPECT_FALSE(uncached->contiguous.value);
	EXPECT_EQ(uncached->regionsFrom, RegionsFrom::Memory) << "the system heaps allocate from all of memory";

	const Heap *udmabuf = sys->findHeap("udmabuf");
	ASSERT_TRUE(udmabuf);
	EXPECT_EQ(udmabuf->backend.value, Backend::Udmabuf);
	EXPECT_EQ(udmabuf->maxBuffer->value, 64u << 20);
}

TEST(Probe, SameMachineSameYaml)
{
	test::FakeTree t;
	for (const char *h : { "b", "system", "a" })
		t.write(std::string("heaps/") + h, "");
	ProbeOptions o;
	o.dmaHeap = { t.path("heaps"), t.write("cmdline", ""), t.path("dt") };
	o.udmabuf = { t.path("none"), t.path("none") };
	o.iomem = t.path("none");
	o.drm = false;
	EXPECT_EQ(toYaml(probeMachine(o)), toYaml(probeMachine(o)));
}

TEST(Probe, NothingReadableIsEmpty)
{
	ProbeOptions o;
	o.dmaHeap = { "/nonexistent/a", "/nonexistent/b", "/nonexistent/c" };
	o.udmabuf = { "/nonexistent/d", "/nonexistent/e" };
	o.iomem = "/nonexistent/f";
	o.v4l2 = { "/nonexistent/g", "/nonexistent/h" };
	o.drm = false;
	MachineDescription m = probeMachine(o);
	EXPECT_TRUE(m.empty());
	auto sys = load(toYaml(m));
	EXPECT_TRUE(sys) << "even an empty probe is valid YAML: " << sys.error().message();
}

// This machine, whatever it has (on the host: perhaps nothing but memory; in the VM: heaps,
// udmabuf, vkms planes and vgem). Whatever it is, `check` must accept it.
TEST(Probe, ThisMachineLoads)
{
	const size_t before = test::openFdCount();
	ProbeOptions o;
	o.primaryNodes = PrimaryNodeAccess::fromPolicy(Policy{});
	MachineDescription m = probeMachine(o);
	const std::string yaml = toYaml(m);
	auto sys = load(yaml);
	ASSERT_TRUE(sys) << sys.error().message() << "\n"
			 << yaml;
	EXPECT_EQ(test::openFdCount(), before) << "the probe leaves no fd open";
	std::cout << yaml;
}

TEST(Probe, WritesPageSizeAndPerFormatModifiers)
{
	MachineDescription m;
	m.pageSize = 16384;
	Device d;
	d.name = "vc4";
	d.kind = probed(DeviceKind::Display);
	Plane p;
	p.name = "overlay0";
	p.rules.formats = probed(std::vector<std::string>{ "NV12", "XRGB8888" });
	p.rules.modifiersPerFormat = probed(std::vector<FormatModifiers>{
		{ "NV12", {}, probed(std::vector<std::string>{ "0x0700000000000004", "LINEAR" }) },
		{ "XRGB8888", {}, probed(std::vector<std::string>{ "LINEAR" }) } });
	d.planes.push_back(p);
	d.rules.modifiersPerFormat = p.rules.modifiersPerFormat;
	m.offer.devices.push_back(d);
	const std::string yaml = toYaml(m);
	EXPECT_NE(yaml.find("page_size: 16384 # sysconf(_SC_PAGESIZE)\n"), std::string::npos) << yaml;
	EXPECT_NE(yaml.find("        modifiers:\n          NV12: [0x0700000000000004, LINEAR]\n"
			    "          XRGB8888: [LINEAR]\n"),
		  std::string::npos)
		<< yaml;
	auto sys = load(yaml);
	ASSERT_TRUE(sys) << sys.error().message() << "\n"
			 << yaml;
	EXPECT_EQ(sys->pageSize.value, 16384u);
	const Device &vc4 = sys->devices.at(0);
	ASSERT_TRUE(vc4.rules.modifiersFor("NV12"));
	EXPECT_EQ(vc4.rules.modifiersFor("NV12")->value, (std::vector<std::string>{ "0x0700000000000004", "LINEAR" }));
	EXPECT_TRUE(vc4.planes.at(0).rules.mappingRefuses("YUV420"));

	// 4096 is the schema's default and is not written.
	m.pageSize = 4096;
	EXPECT_EQ(toYaml(m).find("page_size"), std::string::npos);
	EXPECT_EQ(ProbeOptions{}.pageSize, static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
}

// A V4L2 queue whose planar formats share one bytesperline (adapters/v4l2) carries
// `chroma_stride: derived` on its plane; the loader reads it back there, not on the device.
TEST(Probe, WritesDerivedChromaStride)
{
	MachineDescription m;
	Device d;
	d.name = "vivid-video0";
	d.kind = probed(DeviceKind::Camera);
	Plane p;
	p.name = "capture";
	p.rules.formats = probed(std::vector<std::string>{ "NV12", "YUV420" });
	p.rules.chromaStride = probed(ChromaStride::Derived);
	d.planes.push_back(p);
	m.offer.devices.push_back(d);
	const std::string yaml = toYaml(m);
	EXPECT_NE(yaml.find("      - name: \"capture\"\n        formats: [NV12, YUV420]\n        chroma_stride: derived\n"),
		  std::string::npos)
		<< yaml;
	auto sys = load(yaml);
	ASSERT_TRUE(sys) << sys.error().message() << "\n"
			 << yaml;
	const Device &vivid = sys->devices.at(0);
	EXPECT_FALSE(vivid.rules.chromaStride);
	ASSERT_TRUE(vivid.planes.at(0).rules.chromaStride);
	EXPECT_EQ(vivid.planes.at(0).rules.chromaStride->value, ChromaStride::Derived);

	// Not said, not written: the schema's default (aligned) is left to the loader.
	m.offer.devices[0].planes[0].rules.chromaStride.reset();
	EXPECT_EQ(toYaml(m).find("chroma_stride"), std::string::npos);
}

} // namespace
} // namespace heapsolve
