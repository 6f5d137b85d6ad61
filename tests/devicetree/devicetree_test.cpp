// SPDX-License-Identifier: Apache-2.0
// The importer on small DTBs built here: each test states the Linux rule it checks. Outputs are
// also loaded with the schema-1 loader, so what the importer writes is what `check` reads.
#include "heapsolve/devicetree.h"

#include <cstring>

#include <gtest/gtest.h>

#include "heapsolve/loader.h"
#include "tests/devicetree/dtb_builder.h"

namespace heapsolve::devicetree {
namespace {

using test::DtbBuilder;

// A 64-bit root (2 address cells, 2 size cells), as on every arm64 board.
DtbBuilder root64()
{
	DtbBuilder b;
	b.cells("#address-cells", { 2 }).cells("#size-cells", { 2 }).strings("model", { "Test board" });
	return b;
}

Description importOk(const std::vector<uint8_t> &blob, const Options &options = {})
{
	auto d = importDtb(blob, options);
	EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().message());
	return d ? *d : Description{};
}

// The error of a bad blob, in file "t.dtb" (the name importDtb() gives it is Options::sourceName).
DtbError importBad(const std::vector<uint8_t> &blob)
{
	Options options;
	options.sourceName = "t.dtb";
	auto d = importDtb(blob, options);
	EXPECT_FALSE(d.has_value());
	EXPECT_TRUE(d || d.error().dtb()) << d.error().message();
	return d || !d.error().dtb() ? DtbError{} : *d.error().dtb();
}

// What the command line prints.
std::string message(const DtbError &e)
{
	return Error(e).message();
}

// The output must load: schema 1 as `check` reads it (capacity left out until the loader has it).
void expectLoads(const Description &d, Options options = {})
{
	options.capacity = false;
	const std::string yaml = toYaml(d, options);
	std::vector<InputFile> files{ InputFile{ "import.yaml", yaml } };
	auto system = loadSystem(files);
	EXPECT_TRUE(system.has_value()) << (system ? "" : system.error().message()) << "\n"
					<< yaml;
}

bool anyContains(const std::vector<std::string> &lines, const std::string &what)
{
	for (const std::string &l : lines)
		if (l.find(what) != std::string::npos)
			return true;
	return false;
}

TEST(Memory, RegEntriesWithRootCellsJoinAndSkipSizeZero)
{
	// early_init_dt_scan_memory: root cells, size-0 entries skipped; adjacent windows join.
	auto b = root64();
	b.begin("memory@40000000").strings("device_type", { "memory" });
	b.cells("reg", { 0x0, 0x40000000, 0x0, 0x40000000, 0x0, 0x80000000, 0x0, 0x40000000, 0x1, 0x0, 0x0, 0x0 });
	b.end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.memory.size(), 1u);
	EXPECT_EQ(d.memory[0].base, 0x40000000u);
	EXPECT_EQ(d.memory[0].size, 0x80000000u);
	EXPECT_EQ(d.memory[0].origin, "/memory@40000000/reg entry 1, /memory@40000000/reg entry 2");
	expectLoads(d);
}

TEST(Memory, UsableMemoryWinsUnavailableNodeSkippedTrailingPartialIgnored)
{
	auto b = root64();
	b.begin("memory@0").strings("device_type", { "memory" }).cells("reg", { 0, 0, 1, 0 });
	b.cells("linux,usable-memory", { 0, 0x1000000, 0, 0x1000000, 0 }).end(); // + 1 partial cell
	b.begin("memory@100000000").strings("device_type", { "memory" }).strings("status", { "disabled" });
	b.cells("reg", { 1, 0, 1, 0 }).end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.memory.size(), 1u);
	EXPECT_EQ(d.memory[0].base, 0x1000000u);
	EXPECT_EQ(d.memory[0].origin, "/memory@0/linux,usable-memory");
	EXPECT_TRUE(anyContains(d.notes, "/memory@0/linux,usable-memory: a trailing partial entry, ignored"));
}

// fuzz_dtb-memory-overlap-past-2to64: two entries, each ending below 2^64, that overlap and whose
// sizes sum past 2^64 (the loader rejects such a total). memblock_add_range() (mm/memblock.c)
// keeps memory as one set, so the entries become their union, out of DT order.
TEST(Memory, OverlappingEntriesBecomeOneSetAndSizesCannotSumPast2To64)
{
	auto b = root64();
	b.begin("memory@0").strings("device_type", { "memory" });
	// [2^32, 2^64 - 1) and [0x1000, 0xfffffffff0001000)
	b.cells("reg", { 0x1, 0x0, 0xfffffffe, 0xffffffff, 0x0, 0x1000, 0xffffffff, 0xf0000000 }).end();
	b.begin("memory@80000000").strings("device_type", { "memory" }).cells("reg", { 0x0, 0x80000000, 0x0, 0x1000 }).end();
	const Description d = importOk(b.finish());
	// They overlap (and hold the third): one span [0x1000, 2^64 - 1).
	ASSERT_EQ(d.memory.size(), 1u);
	EXPECT_EQ(d.memory[0].base, 0x1000u);
	EXPECT_EQ(d.memory[0].size, UINT64_MAX - 0x1000);
	EXPECT_EQ(d.memory[0].origin, "/memory@0/reg entry 2, /memory@80000000/reg, /memory@0/reg entry 1");
	EXPECT_TRUE(anyContains(d.notes, "memory: entries that overlap or touch joined into one set"));
	expectLoads(d);
}

TEST(Memory, NoneLeftIsACommentNotAnEmptyList)
{
	auto b = root64();
	b.begin("memory@0").strings("device_type", { "memory" }).cells("reg", { 0, 0, 0, 0 }).end();
	const Description d = importOk(b.finish());
	EXPECT_TRUE(d.memory.empty());
	EXPECT_TRUE(anyContains(d.notes, "the bootloader fills it in"));
	expectLoads(d);
}

// A /reserved-memory node with the root's cells and `ranges`.
DtbBuilder &reservedMemory(DtbBuilder &b)
{
	return b.begin("reserved-memory").cells("#address-cells", { 2 }).cells("#size-cells", { 2 }).flag("ranges");
}

// fuzz_dtb-same-name-pools: two /reserved-memory children of one name (libfdt writes and reads
// them; dtc would refuse) were two heaps of one name, which the loader rejects. A pool already
// named like the suffix keeps its name.
TEST(Heaps, PoolsOfOneNameGetDistinctHeapNames)
{
	auto b = root64();
	auto pool = [&](const char *name, uint32_t base) {
		b.begin(name).strings("compatible", { "shared-dma-pool" }).flag("reusable").cells("reg", { 0, base, 0, 0x400000 }).end();
	};
	reservedMemory(b);
	pool("pool", 0x50000000);
	pool("pool", 0x51000000);
	pool("pool-2", 0x52000000);
	b.end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.heaps.size(), 3u);
	EXPECT_EQ(d.heaps[0].name, "pool");
	EXPECT_EQ(d.heaps[1].name, "pool-3");
	EXPECT_EQ(d.heaps[1].regions.at(0).base, 0x51000000u);
	EXPECT_TRUE(anyContains(d.heaps[1].comments, "an earlier pool is named pool too: this one is written as pool-3"));
	EXPECT_EQ(d.heaps[2].name, "pool-2");
	expectLoads(d);
}

TEST(Heaps, DynamicDefaultPoolWithAllocRanges)
{
	// bcm283x.dtsi style: size 64 MiB, alloc-ranges [0, 1 GiB), linux,cma-default.
	auto b = root64();
	reservedMemory(b).begin("linux,cma").strings("compatible", { "shared-dma-pool" }).flag("reusable");
	b.cells("size", { 0, 0x4000000 }).cells("alloc-ranges", { 0, 0, 0, 0x40000000 }).flag("linux,cma-default").end().end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.heaps.size(), 1u);
	const Heap &h = d.heaps[0];
	EXPECT_EQ(h.name, "linux,cma");
	EXPECT_TRUE(h.isDefault);
	EXPECT_EQ(h.capacity, 0x4000000u);
	EXPECT_EQ(h.capacityOrigin, "/reserved-memory/linux,cma/size");
	ASSERT_EQ(h.regions.size(), 1u);
	EXPECT_EQ(h.regions[0].base, 0u);
	EXPECT_EQ(h.regions[0].size, 0x40000000u);
	EXPECT_EQ(h.regions[0].origin, "/reserved-memory/linux,cma/alloc-ranges");
	expectLoads(d);
	Options withCapacity;
	EXPECT_NE(toYaml(d, withCapacity).find("    capacity: 0x4000000  # /reserved-memory/linux,cma/size\n"), std::string::npos);
}

TEST(Heaps, StaticPoolTakesItsFirstRegEntryAndNameWithUnitAddress)
{
	auto b = root64();
	reservedMemory(b).begin("pool@50000000").strings("compatible", { "shared-dma-pool" }).flag("reusable");
	b.cells("reg", { 0, 0x50000000, 0, 0x2000000, 0, 0x60000000, 0, 0x200000 }).end().end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.heaps.size(), 1u);
	EXPECT_EQ(d.heaps[0].name, "pool@50000000");
	EXPECT_FALSE(d.heaps[0].isDefault);
	ASSERT_EQ(d.heaps[0].regions.size(), 1u);
	EXPECT_EQ(d.heaps[0].regions[0].base, 0x50000000u);
	EXPECT_EQ(d.heaps[0].capacity, 0x2000000u);
	EXPECT_TRUE(anyContains(d.heaps[0].comments, "only the first of 2 entries"));
	EXPECT_TRUE(anyContains(d.heaps[0].comments, "only on kernels that create one heap per CMA area"));
}

TEST(Heaps, NonHeapsAreCommentsWithTheirPlacementAndWhy)
{
	auto b = root64();
	reservedMemory(b);
	b.begin("carveout@30000000").strings("compatible", { "shared-dma-pool" }).flag("reusable").flag("no-map");
	b.cells("reg", { 0, 0x30000000, 0, 0x100000 }).end();
	b.begin("coherent@31000000").strings("compatible", { "shared-dma-pool" }).cells("reg", { 0, 0x31000000, 0, 0x400000 }).end();
	b.begin("odd@32100000").strings("compatible", { "shared-dma-pool" }).flag("reusable");
	b.cells("reg", { 0, 0x32100000, 0, 0x400000 }).end(); // 1 MiB aligned only
	b.begin("badsize").strings("compatible", { "shared-dma-pool" }).flag("reusable").cells("size", { 0x400000 }).end();
	b.begin("off").strings("compatible", { "shared-dma-pool" }).flag("reusable").strings("status", { "disabled" });
	b.cells("size", { 0, 0x400000 }).end();
	b.end();
	const Description d = importOk(b.finish());
	EXPECT_TRUE(d.heaps.empty());
	EXPECT_TRUE(anyContains(d.heapNotes, "/reserved-memory/carveout@30000000 [0x30000000, +1MiB): not a heap (no-map"));
	EXPECT_TRUE(anyContains(d.heapNotes, "/reserved-memory/coherent@31000000 [0x31000000, +4MiB): not a heap (shared-dma-pool without `reusable`"));
	EXPECT_TRUE(anyContains(d.heapNotes, "/reserved-memory/odd@32100000 [0x32100000, +4MiB): not a heap: a static CMA pool not aligned to 2 MiB"));
	EXPECT_TRUE(anyContains(d.heapNotes, "/reserved-memory/badsize: `size` is not 2 cells"));
	EXPECT_FALSE(anyContains(d.heapNotes, "/reserved-memory/off"));
	expectLoads(d);
}

TEST(Heaps, ReservedMemoryWithOtherCellsIsIgnoredAsLinuxDoes)
{
	auto b = root64();
	b.begin("reserved-memory").cells("#address-cells", { 1 }).cells("#size-cells", { 1 }).flag("ranges");
	b.begin("linux,cma").strings("compatible", { "shared-dma-pool" }).flag("reusable").cells("size", { 0x4000000 }).end().end();
	const Description d = importOk(b.finish());
	EXPECT_TRUE(d.heaps.empty());
	EXPECT_TRUE(anyContains(d.heapNotes, "__reserved_mem_check_root"));
}

TEST(Heaps, LastDefaultSetUpWinsStaticAfterDynamic)
{
	// fdt_init_reserved_mem sets up dynamic pools (saved first) before static ones.
	auto b = root64();
	reservedMemory(b);
	b.begin("stat@40000000").strings("compatible", { "shared-dma-pool" }).flag("reusable").flag("linux,cma-default");
	b.cells("reg", { 0, 0x40000000, 0, 0x400000 }).end();
	b.begin("dyn").strings("compatible", { "shared-dma-pool" }).flag("reusable").flag("linux,cma-default");
	b.cells("size", { 0, 0x400000 }).end();
	b.end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.heaps.size(), 2u);
	EXPECT_TRUE(d.heaps[0].isDefault) << "the static pool is set up last";
	EXPECT_FALSE(d.heaps[1].isDefault);
	EXPECT_TRUE(d.heaps[1].regions.empty()) << "a dynamic pool without alloc-ranges may lie anywhere";
	EXPECT_TRUE(anyContains(d.heaps[1].comments, "a later pool takes the default"));
}

// An rpi4-like tree: /soc with dma-ranges (DMA [0xc0000000, +1 GiB) -> CPU 0), an IOMMU, labels.
DtbBuilder rpiLike(bool iommuOkay)
{
	auto b = root64();
	b.begin("soc").strings("compatible", { "simple-bus" }).cells("#address-cells", { 1 }).cells("#size-cells", { 1 });
	b.cells("ranges", { 0x7e000000, 0x0, 0xfe000000, 0x01800000 });
	b.cells("dma-ranges", { 0xc0000000, 0x0, 0x00000000, 0x40000000 });
	b.begin("iommu@7e100000").cells("#iommu-cells", { 0 }).cells("phandle", { 1 });
	if (!iommuOkay)
		b.strings("status", { "disabled" });
	b.end();
	b.begin("gpu@7ec00000").strings("compatible", { "brcm,2711-v3d" }).cells("iommus", { 1 }).end();
	b.begin("camera@7e801000").strings("compatible", { "brcm,bcm2835-unicam" }).cells("iommus", { 1 }).end();
	b.begin("camera@7e802000").strings("compatible", { "brcm,bcm2835-unicam" }).cells("iommus", { 1 }).end();
	b.begin("off@0").strings("status", { "disabled" });
	b.begin("gpu@1").strings("compatible", { "x,y" }).cells("iommus", { 1 }).end();
	b.end();
	b.end();
	b.begin("__symbols__").strings("v3d", { "/soc/gpu@7ec00000" }).strings("csi", { "/soc/camera@7e801000" });
	b.strings("csi_alias", { "/soc/camera@7e801000" }).strings("csi-x", { "/soc/camera@7e802000" }).end();
	return b;
}

TEST(Devices, NamesKindsIommuAndTheSocDmaWindow)
{
	const Description d = importOk(rpiLike(true).finish());
	ASSERT_EQ(d.devices.size(), 3u) << "a node below a disabled ancestor is never a device";
	EXPECT_EQ(d.devices[0].name, "v3d");
	EXPECT_EQ(d.devices[0].nameOrigin, "/__symbols__/v3d");
	EXPECT_EQ(d.devices[0].kind, "render");
	EXPECT_TRUE(d.devices[0].iommu);
	EXPECT_EQ(d.devices[0].iommuOrigin, "/soc/gpu@7ec00000/iommus");
	EXPECT_EQ(d.devices[1].name, "csi") << "the first label names the node";
	EXPECT_EQ(d.devices[1].kind, "camera");
	EXPECT_EQ(d.devices[2].name, "csi-x");
	// DMA [0xc0000000, +1 GiB) is below 2^32: CPU [0, 1 GiB) is reachable whole.
	ASSERT_EQ(d.devices[0].address.size(), 1u);
	EXPECT_EQ(d.devices[0].address[0].base, 0u);
	EXPECT_EQ(d.devices[0].address[0].size, 0x40000000u);
	EXPECT_EQ(d.devices[0].address[0].origin, "/soc/dma-ranges");
	expectLoads(d);
}

TEST(Devices, UnavailableIommuLeavesTheDeviceWithout)
{
	const Description d = importOk(rpiLike(false).finish());
	ASSERT_FALSE(d.devices.empty());
	EXPECT_FALSE(d.devices[0].iommu);
	EXPECT_NE(d.devices[0].iommuOrigin.find("/soc/iommu@7e100000 is not available"), std::string::npos) << d.devices[0].iommuOrigin;
}

TEST(Devices, SameNameGetsASuffixInDtOrder)
{
	auto b = root64();
	b.begin("iommu").cells("#iommu-cells", { 0 }).cells("phandle", { 1 }).end();
	b.begin("a").begin("dev@1").strings("compatible", { "x,y" }).cells("iommus", { 1 }).end().end();
	b.begin("b").begin("dev@1").strings("compatible", { "x,y" }).cells("iommus", { 1 }).end().end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.devices.size(), 2u);
	EXPECT_EQ(d.devices[0].name, "dev@1");
	EXPECT_EQ(d.devices[1].name, "dev@1-2");
	expectLoads(d);
}

TEST(Devices, NoMapMeansCpuEqualsDmaBelowTheDefaultMask)
{
	auto b = root64();
	b.begin("soc").cells("#address-cells", { 1 }).cells("#size-cells", { 1 }).flag("ranges");
	b.begin("vpu@1000").strings("compatible", { "x,vpu" }).cells("memory-region", { 7 }).end().end();
	reservedMemory(b).begin("vpu-pool").cells("phandle", { 7 }).cells("size", { 0, 0x1000000 }).end().end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.devices.size(), 1u);
	ASSERT_EQ(d.devices[0].address.size(), 1u);
	EXPECT_EQ(d.devices[0].address[0].base, 0u);
	EXPECT_EQ(d.devices[0].address[0].size, 0x100000000u);
	EXPECT_TRUE(anyContains(d.devices[0].comments, "allocates its own buffers from /reserved-memory/vpu-pool"));
	EXPECT_TRUE(anyContains(d.devices[0].comments, "no driver knowledge added"));
}

TEST(Devices, EmptyDmaRangesContinueAMissingOneEndsNonEmptyOnRootGivesNoMap)
{
	// of_dma_get_range: empty continues; above the start node a missing one is "no map".
	auto b = root64();
	b.cells("dma-ranges", { 0, 0, 0, 0, 0, 0x10000000 });
	b.begin("bus").cells("#address-cells", { 2 }).cells("#size-cells", { 2 }).flag("ranges").flag("dma-ranges");
	b.begin("dev@1").strings("compatible", { "x,a" }).flag("memory-region").end();
	b.end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.devices.size(), 1u);
	EXPECT_TRUE(anyContains(d.devices[0].comments, "a non-empty dma-ranges on / translates nothing"));
	EXPECT_EQ(d.devices[0].address[0].size, 0x100000000u);
}

TEST(Devices, DmaMemInterconnectIsTheDmaParentAndItsOffsetApplies)
{
	// Allwinner style: the MBUS maps DMA 0 to CPU 0x40000000 (sun50i-h6.dtsi mbus dma-ranges).
	auto b = root64();
	b.begin("soc").cells("#address-cells", { 1 }).cells("#size-cells", { 1 }).flag("ranges");
	b.begin("dram-controller@1c62000").cells("#interconnect-cells", { 1 }).cells("phandle", { 3 });
	b.cells("#address-cells", { 1 }).cells("#size-cells", { 1 }).cells("dma-ranges", { 0x0, 0x40000000, 0xc0000000 }).end();
	b.begin("video-codec@1c0e000").strings("compatible", { "allwinner,sun50i-h6-video-engine" });
	b.cells("interconnects", { 3, 4 }).strings("interconnect-names", { "dma-mem" }).end();
	b.begin("video-codec@1c0f000").strings("compatible", { "x,lost" });
	b.cells("interconnects", { 9, 4 }).strings("interconnect-names", { "dma-mem" }).end();
	b.end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.devices.size(), 2u);
	EXPECT_EQ(d.devices[0].kind, "codec");
	ASSERT_EQ(d.devices[0].address.size(), 1u);
	EXPECT_EQ(d.devices[0].address[0].base, 0x40000000u);
	EXPECT_EQ(d.devices[0].address[0].size, 0xc0000000u);
	EXPECT_EQ(d.devices[0].address[0].origin, "/soc/dram-controller@1c62000/dma-ranges");
	// A dma-mem phandle to nowhere: the tree parent, as __of_get_dma_parent falls back.
	EXPECT_TRUE(anyContains(d.devices[1].comments, "phandle 0x9 refers to no node"));
	EXPECT_EQ(d.devices[1].address[0].base, 0u);
	expectLoads(d);
}

TEST(Devices, DmaRangesTranslateThroughAncestorsAndTheMaskCutsThem)
{
	// /soc maps its children's bus [0, 8 GiB) to CPU 0x1_0000_0000; /soc/bus maps DMA
	// [0x80000000, +8 GiB) to its parent's 0: the device reaches CPU 0x1_0000_0000 on; the 2^32
	// mask keeps DMA [0x80000000, 4 GiB), i.e. CPU [0x1_0000_0000, +2 GiB).
	auto b = root64();
	b.begin("soc").cells("#address-cells", { 2 }).cells("#size-cells", { 2 }).flag("ranges");
	b.cells("dma-ranges", { 0, 0, 1, 0, 2, 0 });
	b.begin("bus").cells("#address-cells", { 2 }).cells("#size-cells", { 2 }).flag("ranges");
	b.cells("dma-ranges", { 0, 0x80000000, 0, 0, 2, 0 });
	b.begin("dev@1").strings("compatible", { "x,a" }).flag("memory-region").end();
	b.end().end();
	const Description d = importOk(b.finish());
	ASSERT_EQ(d.devices.size(), 1u);
	ASSERT_EQ(d.devices[0].address.size(), 1u);
	EXPECT_EQ(d.devices[0].address[0].base, 0x100000000u);
	EXPECT_EQ(d.devices[0].address[0].size, 0x80000000u);
	EXPECT_EQ(d.devices[0].address[0].origin, "/soc/bus/dma-ranges");
}

TEST(Devices, ProfileKnowledgeIsMergedAndCited)
{
	std::vector<InputFile> files{ InputFile{ "p/devices.yaml", "version: 1\n"
								   "devices:\n"
								   "  # the V3D\n"
								   "  - name: v3d\n"
								   "    # dt-compatible: brcm,2711-v3d brcm,2712-v3d\n"
								   "    # dt-dma-mask: 40\n"
								   "    kind: render\n"
								   "    # v3d_mmu.c\n"
								   "    iommu: true\n"
								   "    # Mesa\n"
								   "    modifiers: [BROADCOM_UIF, LINEAR]\n"
								   "  - name: cpu\n"
								   "    kind: cpu\n" } };
	auto profiles = profilesFromFiles(files);
	ASSERT_TRUE(profiles.has_value()) << profiles.error().message();
	ASSERT_EQ(profiles->size(), 1u) << "a device without dt-compatible cannot be matched";
	Options o;
	o.profiles = *profiles;
	// bcm2711.dtsi: the V3D has no `iommus` (its MMU is inside it) and sits under /scb without a map.
	auto b = root64();
	b.begin("scb").cells("#address-cells", { 2 }).cells("#size-cells", { 1 }).flag("ranges");
	b.begin("gpu@7ec00000").strings("compatible", { "brcm,2711-v3d" }).end().end();
	b.begin("other").strings("compatible", { "brcm,2711-v3d" }).cells("iommus", { 9 }).end();
	const Description d = importOk(b.finish(), o);
	ASSERT_EQ(d.devices.size(), 2u);
	EXPECT_FALSE(d.devices[1].iommu) << "where the DT names an IOMMU (here one that does not exist), the DT decides";
	const Device &v3d = d.devices[0];
	ASSERT_NE(v3d.profile, nullptr);
	EXPECT_EQ(v3d.kindOrigin, "p/devices.yaml:7");
	EXPECT_TRUE(v3d.iommu) << "the profile states an MMU inside the device";
	EXPECT_NE(v3d.iommuOrigin.find("p/devices.yaml:9"), std::string::npos);
	EXPECT_NE(v3d.addressOrigin.find("DMA mask 2^40 (p/devices.yaml:6)"), std::string::npos) << v3d.addressOrigin;
	ASSERT_EQ(v3d.address.size(), 1u);
	EXPECT_EQ(v3d.address[0].size, uint64_t{ 1 } << 40) << "no map: [0, 2^40) by the driver's mask";
	const std::string yaml = toYaml(d, o);
	EXPECT_NE(yaml.find("    # Mesa\n    modifiers: [BROADCOM_UIF, LINEAR]  # p/devices.yaml:11\n"), std::string::npos) << yaml;
	expectLoads(d, o);
}

TEST(BadInput, InterconnectsLoopNamesTheNode)
{
	auto b = root64();
	// Empty dma-ranges continue the walk (of_dma_get_range), so Linux would never leave the loop.
	b.begin("a").cells("phandle", { 1 }).cells("#interconnect-cells", { 0 }).cells("interconnects", { 2 });
	b.strings("interconnect-names", { "dma-mem" }).flag("dma-ranges").end();
	b.begin("b").cells("phandle", { 2 }).cells("#interconnect-cells", { 0 }).cells("interconnects", { 1 });
	b.strings("interconnect-names", { "dma-mem" }).flag("dma-ranges").end();
	b.begin("dev").strings("compatible", { "x,y" }).cells("interconnects", { 1 }).strings("interconnect-names", { "dma-mem" }).end();
	const DtbError e = importBad(b.finish());
	EXPECT_EQ(message(e), "t.dtb: error: /a: interconnects: a loop of DMA parents (dma-mem)");
}

TEST(BadInput, CellCountOutOfRange)
{
	DtbBuilder b;
	b.cells("#address-cells", { 5 }).cells("#size-cells", { 1 });
	const DtbError e = importBad(b.finish());
	EXPECT_EQ(e.where, "/");
	EXPECT_EQ(e.what, "#address-cells = 5 is out of range (Linux reads at most 4 cells, OF_MAX_ADDR_CELLS)");
}

TEST(BadInput, ValuePast2To64)
{
	DtbBuilder b;
	b.cells("#address-cells", { 3 }).cells("#size-cells", { 1 });
	b.begin("memory@0").strings("device_type", { "memory" }).cells("reg", { 1, 0, 0, 0x1000 }).end();
	EXPECT_EQ(message(importBad(b.finish())), "t.dtb: error: /memory@0: reg: a 3-cell value past 2^64");

	auto c = root64();
	c.begin("memory@0").strings("device_type", { "memory" }).cells("reg", { 0xffffffff, 0xfffff000, 0, 0x2000 }).end();
	EXPECT_EQ(message(importBad(c.finish())), "t.dtb: error: /memory@0: reg: base 0xfffffffffffff000 + size 0x2000 is past 2^64");
}

TEST(BadInput, TruncatedWrongMagicAndCorruptStructure)
{
	auto good = rpiLike(true).finish();
	std::vector<uint8_t> truncated(good.begin(), good.begin() + 100);
	EXPECT_EQ(message(importBad(truncated)),
		  "t.dtb: error: byte offset 100: truncated: the header says the blob is " + std::to_string(good.size()) + " bytes");
	std::vector<uint8_t> tiny(good.begin(), good.begin() + 10);
	EXPECT_EQ(importBad(tiny).where, "byte offset 10");
	auto magic = good;
	magic[0] = 0;
	EXPECT_EQ(message(importBad(magic)), "t.dtb: error: byte offset 0: wrong magic 0xdfeed (a DTB starts with 0xd00dfeed)");
	// The first tag of the structure block (FDT_BEGIN_NODE) becomes 0x7: not a tag.
	auto corrupt = good;
	const uint32_t structOff = fdt_off_dt_struct(good.data());
	corrupt[structOff + 3] = 7;
	const DtbError e = importBad(corrupt);
	EXPECT_EQ(e.where, "byte offset " + std::to_string(structOff));
	EXPECT_NE(e.what.find("fdt_check_full"), std::string::npos) << e.what;
}

// fuzz_dtb's crash-b3958ff3...: a version 15 header over a structure block whose root is named ""
// (as version 16 and later name it). Version 15 names nodes by full path and libfdt's fdt_get_name
// fails on a name without '/'; Debian's libfdt 1.6.1 fdt_check_full then read through the null
// name (SEGV). Linux cannot unflatten such a blob either (populate_node, drivers/of/fdt.c).
TEST(BadInput, Version15RootNameWithoutSlash)
{
	auto b = root64();
	b.begin("memory@40000000").strings("device_type", { "memory" }).cells("reg", { 0, 0x40000000, 0, 0x40000000 }).end();
	const std::vector<uint8_t> blob = b.finishAsVersion(15);
	const uint32_t structOff = fdt_off_dt_struct(blob.data());
	EXPECT_EQ(message(importBad(blob)), "t.dtb: error: byte offset " + std::to_string(structOff + 4) +
						    ": the root node's name has no '/', but a version 15 DTB names each node by its "
						    "full path (libfdt fdt_get_name; Linux's unflatten_dt_nodes stops there too)");
	// A NOP before the root: fdt_check_full reaches the root at the next tag, and so does the check.
	std::vector<uint8_t> nop(blob.begin(), blob.begin() + structOff);
	const std::vector<uint8_t> nopTag{ 0, 0, 0, FDT_NOP };
	nop.insert(nop.end(), nopTag.begin(), nopTag.end());
	nop.insert(nop.end(), blob.begin() + structOff, blob.end());
	fdt_set_totalsize(nop.data(), static_cast<uint32_t>(nop.size()));
	fdt_set_off_dt_strings(nop.data(), fdt_off_dt_strings(blob.data()) + 4);
	EXPECT_EQ(importBad(nop).where, "byte offset " + std::to_string(structOff + 8));
	// fuzz_dtb-version9-property-before-root: fdt_check_full also walks past properties before
	// the root (a 12-byte FDT_PROP of length 0 here), and so does the check.
	std::vector<uint8_t> prop(blob.begin(), blob.begin() + structOff);
	// Tag, length 0, name offset 0 (the first name of the strings block).
	const std::vector<uint8_t> propTag{ 0, 0, 0, FDT_PROP, 0, 0, 0, 0, 0, 0, 0, 0 };
	prop.insert(prop.end(), propTag.begin(), propTag.end());
	prop.insert(prop.end(), blob.begin() + structOff, blob.end());
	fdt_set_totalsize(prop.data(), static_cast<uint32_t>(prop.size()));
	fdt_set_off_dt_strings(prop.data(), fdt_off_dt_strings(blob.data()) + 12);
	EXPECT_EQ(importBad(prop).where, "byte offset " + std::to_string(structOff + 16));
}

// fuzz_dtb-property-length-minus-12: a property whose length is 0xfffffff4 leads libfdt 1.6.1's
// fdt_next_tag back to the same tag, and fdt_check_full never returned. Linux 6.12's libfdt
// (scripts/dtc/libfdt/fdt.c fdt_next_tag: `INT_MAX <= sum || sum < offset`) stops there.
TEST(BadInput, PropertyLengthThatLeadsBackwards)
{
	auto blob = rpiLike(true).finish();
	const uint32_t structOff = fdt_off_dt_struct(blob.data());
	// The root's first property: FDT_BEGIN_NODE and the empty name (8 bytes), then FDT_PROP and
	// its length at +12.
	ASSERT_EQ(fdt32_ld(reinterpret_cast<const fdt32_t *>(blob.data() + structOff + 8)), uint32_t{ FDT_PROP });
	for (uint32_t len : { 0xfffffff4u, 0x80000000u }) {
		auto bad = blob;
		const fdt32_t be = cpu_to_fdt32(len);
		std::memcpy(bad.data() + structOff + 12, &be, 4);
		EXPECT_EQ(message(importBad(bad)), "t.dtb: error: byte offset " + std::to_string(structOff + 12) +
							   ": a property length of " + std::to_string(len) +
							   " bytes runs past the structure block (Linux's libfdt fdt_next_tag stops there)");
	}
}

TEST(BadInput, EmptyInput)
{
	EXPECT_EQ(message(importBad({})), "t.dtb: error: byte offset 0: truncated: a DTB header is 40 bytes");
}

} // namespace
} // namespace heapsolve::devicetree
