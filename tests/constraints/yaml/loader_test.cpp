// SPDX-License-Identifier: Apache-2.0
// The loader accepts schema 1 exactly: every rejection names FILE:LINE:COLUMN and what is wrong.
#include "heapsolve/loader.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

namespace heapsolve {
namespace {

Result<System> load(std::vector<InputFile> files)
{
	return loadSystem(files);
}

// The full message of the error that loading `text` as board.yaml gives.
std::string errorOf(const std::string &text)
{
	auto r = load({ { "board.yaml", text } });
	if (r)
		return "(loaded without error)";
	return r.error().message();
}

// "FILE:LINE:COLUMN" of the n-th occurrence (from 0) of `token` on line `line` (1-based) of `text`:
// positions are computed from the input, not counted by hand.
std::string at(const std::string &file, const std::string &text, int line, const std::string &token, int n = 0)
{
	size_t start = 0;
	for (int l = 1; l < line; ++l)
		start = text.find('\n', start) + 1;
	const std::string row = text.substr(start, text.find('\n', start) - start);
	size_t col = row.find(token);
	for (int i = 0; i < n && col != std::string::npos; ++i)
		col = row.find(token, col + 1);
	EXPECT_NE(col, std::string::npos) << token << " not on line " << line;
	return file + ":" + std::to_string(line) + ":" + std::to_string(col + 1);
}

std::string at(const std::string &text, int line, const std::string &token, int n = 0)
{
	return at("board.yaml", text, line, token, n);
}

// Expects loading `text` to fail at `token` (the n-th on `line`) with `what`.
void expectError(const std::string &text, int line, const std::string &token, const std::string &what, int n = 0)
{
	EXPECT_EQ(errorOf(text), at(text, line, token, n) + ": error: " + what) << text;
}

const char *kDevice = "devices:\n  - {name: vpu, kind: codec}\n";

TEST(Loader, LoadsAMinimalSystemWithDefaults)
{
	auto sys = load({ { "a.yaml", "version: 1\n"
				      "memory:\n  - {base: 0x40000000, size: 1GiB}\n"
				      "heaps:\n  - name: cma\n    backend: dma-heap\n"
				      "devices:\n  - name: vpu\n    kind: codec\n"
				      "buffers:\n  - {name: b, format: NV12, width: 64, height: 64, producer: vpu}\n" } });
	ASSERT_TRUE(sys) << sys.error().message();
	ASSERT_EQ(sys->heaps.size(), 1u);
	const Heap &h = sys->heaps[0];
	EXPECT_EQ(h.regionsFrom, RegionsFrom::Memory) << "regions default to all of memory";
	EXPECT_EQ(h.regionTotal, uint64_t{ 1 } << 30);
	EXPECT_EQ(h.align.value, 4096u);
	EXPECT_TRUE(h.cached.value);
	EXPECT_FALSE(h.contiguous.value);
	EXPECT_EQ(h.devicePath(), "/dev/dma_heap/cma");
	EXPECT_EQ(h.contiguous.at.fileLine(), "a.yaml:5") << "a default cites the heap entry";
	const Device &d = sys->devices[0];
	EXPECT_FALSE(d.iommu.value);
	ASSERT_TRUE(d.rules.modifiers);
	EXPECT_EQ(d.rules.modifiers->value, std::vector<std::string>{ "LINEAR" });
	EXPECT_FALSE(d.rules.modifiers->written);
	EXPECT_EQ(d.rules.modifiers->at.fileLine(), "a.yaml:8");
	const Buffer &b = sys->buffers[0];
	EXPECT_EQ(b.count.value, 1u);
	EXPECT_FALSE(b.isProtected.value);
	EXPECT_TRUE(b.consumers.empty());
}

TEST(Loader, MergesFilesInOrder)
{
	auto sys = load({ { "board.yaml", "version: 1\nheaps:\n  - {name: system, backend: dma-heap}\n" },
			  { "devices.yaml", "version: 1\ndevices:\n  - {name: gpu, kind: render}\n" },
			  { "pipeline.yaml", "version: 1\nheaps:\n  - {name: cma, backend: dma-heap, contiguous: true}\n"
					     "buffers:\n  - {name: b, format: R8, width: 1, height: 1, producer: gpu}\n"
					     "policy:\n  prefer: [cma]\n" } });
	ASSERT_TRUE(sys) << sys.error().message();
	ASSERT_EQ(sys->heaps.size(), 2u);
	EXPECT_EQ(sys->heaps[0].name, "system");
	EXPECT_EQ(sys->heaps[1].name, "cma");
	EXPECT_EQ(sys->heaps[1].at.file, "pipeline.yaml");
	EXPECT_EQ(sys->heaps[0].regionsFrom, RegionsFrom::Unknown);
	ASSERT_EQ(sys->policy.prefer.size(), 1u);
}

TEST(Loader, DuplicateNamesCiteBothPlaces)
{
	const std::string board = "version: 1\nheaps:\n  - {name: vpu, backend: dma-heap}\n";
	const std::string dev = "version: 1\ndevices:\n  - name: vpu\n    kind: codec\n";
	auto r = load({ { "board.yaml", board }, { "dev.yaml", dev } });
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().message(), at("dev.yaml", dev, 3, "vpu") + ": error: device name 'vpu' is already defined at " +
					       at(board, 3, "vpu") + " (heaps and devices share one namespace)");
	const std::string planes = "version: 1\ndevices:\n  - {name: d, kind: display, planes: [{name: p}, {name: p}]}\n";
	expectError(planes, 3, "p}", "plane 'p' of device 'd' is already defined at " + at(planes, 3, "p}"), 1);
	const std::string buffers = std::string("version: 1\n") + kDevice +
				    "buffers:\n  - {name: b, format: R8, width: 1, height: 1, producer: vpu}\n"
				    "  - {name: b, format: R8, width: 1, height: 1, producer: vpu}\n";
	expectError(buffers, 6, "b,", "buffer name 'b' is already defined at " + at(buffers, 5, "b,"));
}

TEST(Loader, RejectsUnknownKeysEverywhere)
{
	expectError("version: 1\nheap: []\n", 2, "heap",
		    "unknown key 'heap' in the top level (known: version, page_size, memory, heaps, devices, buffers, "
		    "policy)");
	expectError("version: 1\nheaps:\n  - {name: h, backend: dma-heap, size: 4KiB}\n", 3, "size",
		    "unknown key 'size' in a heap (known: name, backend, path, contiguous, regions, cached, protected, "
		    "align, max_buffer, capacity)");
	// A plane carries no protection of its own.
	expectError("version: 1\ndevices:\n  - {name: d, kind: display, planes: [{name: p, protected: true}]}\n", 3,
		    "protected",
		    "unknown key 'protected' in a plane (known: name, address, contiguous, align, max_stride, formats, "
		    "modifiers, cache, chroma_stride)");
	expectError("version: 1\ndevices:\n  - {name: d, kind: codec, align: {pitch: 64}}\n", 3, "pitch",
		    "unknown key 'pitch' in align (known: base, stride, height, size)");
	expectError("version: 1\nmemory:\n  - {base: 0, size: 1GiB, end: 4}\n", 3, "end",
		    "unknown key 'end' in a window of 'memory' (known: base, size)");
	expectError("version: 1\npolicy: {prefer_backend: [dma-heap]}\n", 2, "prefer_backend",
		    "unknown key 'prefer_backend' in policy (known: prefer, forbid_backends)");
}

TEST(Loader, RejectsAKeyGivenTwiceAndAKeyWithoutValue)
{
	EXPECT_EQ(errorOf("version: 1\nheaps:\n  - name: h\n    backend: dma-heap\n    name: g\n"),
		  "board.yaml:5:5: error: key 'name' given twice in a heap (first at board.yaml:3:5)");
	EXPECT_EQ(errorOf("version: 1\nheaps:\n  - name: h\n    backend:\n"),
		  "board.yaml:4:5: error: key 'backend' has no value");
	EXPECT_EQ(errorOf("version: 1\nmemory:\n"), "board.yaml:2:1: error: key 'memory' has no value");
	EXPECT_EQ(errorOf("version: 1\nheaps:\n  - name: h\n    backend: dma-heap\n    path: ~\n"),
		  "board.yaml:5:5: error: key 'path' has no value");
}

TEST(Loader, RequiresVersion1InEveryFile)
{
	EXPECT_EQ(errorOf("heaps:\n  - {name: h, backend: dma-heap}\n"), "board.yaml:1:1: error: missing 'version: 1'");
	EXPECT_EQ(errorOf("version: 2\n"),
		  "board.yaml:1:10: error: schema version 2 is not supported (this heapsolve reads version 1)");
	auto r = load({ { "a.yaml", "version: 1\n" }, { "b.yaml", "devices:\n  - {name: d, kind: cpu}\n" } });
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().message(), "b.yaml:1:1: error: missing 'version: 1'");
	EXPECT_EQ(errorOf(""), "board.yaml:1:1: error: empty file: expected a mapping that starts with 'version: 1'");
	EXPECT_NE(errorOf("version: 1\n---\nversion: 1\n").find("a second YAML document"), std::string::npos);
	EXPECT_TRUE(load({ { "late.yaml", "devices:\n  - {name: d, kind: cpu}\nversion: 1\n" } }))
		<< "version is required, not required first";
}

TEST(Loader, ReportsYamlSyntaxErrorsWithPosition)
{
	const std::string e = errorOf("version: 1\nheaps: [\n");
	EXPECT_EQ(e.rfind("board.yaml:", 0), 0u) << e;
	EXPECT_NE(e.find(": error: "), std::string::npos) << e;
}

TEST(Loader, RejectsBadNumbers)
{
	expectError("version: 1\nmemory:\n  - {base: 0, size: 1 GiB}\n", 3, "1 GiB",
		    "'size': bad unit ' GiB' in '1 GiB' (units are B, KiB, MiB, GiB, TiB, written right after the digits)");
	expectError("version: 1\nmemory:\n  - {base: -1, size: 1GiB}\n", 3, "-1",
		    "'base': bad number '-1' (expected digits with an optional unit B, KiB, MiB, GiB, TiB, or 0x...)");
	expectError("version: 1\nmemory:\n  - {base: 0, size: \"4096\"}\n", 3, "\"4096\"",
		    "'size' must be a plain number, without quotes or tag ('4096')");
	expectError("version: 1\nmemory:\n  - {base: 0, size: !!int 4096}\n", 3, "!!int",
		    "'size' must be a plain number, without quotes or tag ('4096')");
	expectError("version: 1\nmemory:\n  - {base: 0, size: 0}\n", 3, "0}", "'size' must be positive");
	expectError("version: 1\nmemory:\n  - {base: 0xffffffffffffffff, size: 1}\n", 3, "{",
		    "window base 0xffffffffffffffff + size 1 does not fit in 64 bits");
	expectError("version: 1\nheaps:\n  - {name: h, backend: dma-heap, align: 6000}\n", 3, "6000",
		    "a heap's align must be a multiple of 4096, not 6000");
	expectError("version: 1\nheaps:\n  - {name: h, backend: dma-heap, max_buffer: 18446744073709551616}\n", 3,
		    "18446744073709551616", "'max_buffer': number '18446744073709551616' does not fit in 64 bits");
	expectError("version: 1\nmemory:\n  - {base: 0, size: 1.5GiB}\n", 3, "1.5GiB",
		    "'size': bad unit '.5GiB' in '1.5GiB' (units are B, KiB, MiB, GiB, TiB, written right after the "
		    "digits)");
}

TEST(Loader, RejectsBadBooleansAndEnums)
{
	expectError("version: 1\nheaps:\n  - {name: h, backend: dma-heap, cached: yes}\n", 3, "yes",
		    "'cached' must be true or false (plain, unquoted), not 'yes'");
	expectError("version: 1\nheaps:\n  - {name: h, backend: dma-heap, cached: 'true'}\n", 3, "'true'",
		    "'cached' must be true or false (plain, unquoted), not 'true'");
	expectError("version: 1\nheaps:\n  - {name: h, backend: ion}\n", 3, "ion",
		    "unknown backend 'ion' (known: dma-heap, drm-dumb, udmabuf)");
	expectError("version: 1\ndevices:\n  - {name: d, kind: npu}\n", 3, "npu",
		    "unknown device kind 'npu' (known: codec, render, display, camera, cpu, other)");
	expectError("version: 1\ndevices:\n  - {name: d, kind: cpu, cache: writeback}\n", 3, "writeback",
		    "cache must be any, cached or uncached, not 'writeback'");
}

TEST(Loader, RejectsEmptyListsDuplicatesInListsAndBadModifiers)
{
	expectError("version: 1\ndevices:\n  - {name: d, kind: codec, formats: []}\n", 3, "[]",
		    "'formats' must not be empty (leave the key out to mean anywhere / any)");
	const std::string twice = "version: 1\ndevices:\n  - {name: d, kind: codec, formats: [NV12, NV12]}\n";
	expectError(twice, 3, "NV12", "'NV12' appears twice in 'formats' (first at " + at(twice, 3, "NV12") + ")", 1);
	expectError("version: 1\ndevices:\n  - {name: d, kind: codec, modifiers: [DRM_FORMAT_MOD_LINEAR]}\n", 3,
		    "DRM_FORMAT_MOD_LINEAR",
		    "bad modifier 'DRM_FORMAT_MOD_LINEAR' (an uppercase DRM_FORMAT_MOD_ name without that prefix, such "
		    "as LINEAR, or 0x followed by 1 to 16 hex digits)");
	EXPECT_NE(errorOf("version: 1\ndevices:\n  - {name: d, kind: codec, modifiers: [linear]}\n").find("bad modifier"),
		  std::string::npos);
	expectError("version: 1\nheaps: []\n", 2, "[]", "'heaps' must not be empty (leave the key out to mean anywhere / any)");
}

TEST(Loader, RejectsBadNamesAndReferences)
{
	expectError("version: 1\ndevices:\n  - {name: a/b, kind: codec}\n", 3, "a/b", "name 'a/b' must not contain '/'");
	const std::string devices = std::string("version: 1\n") + kDevice +
				    "  - name: disp\n    kind: display\n    planes: [{name: layer0}]\n"
				    "heaps:\n  - {name: sys, backend: dma-heap}\n";
	const std::string buf = "buffers:\n  - {name: b, format: NV12, width: 2, height: 2, producer: ";
	expectError(devices + buf + "gpu}\n", 10, "gpu", "unknown device 'gpu'");
	expectError(devices + buf + "sys}\n", 10, "sys", "'sys' is a heap, not a device");
	expectError(devices + buf + "vpu, consumers: [disp/layer1]}\n", 10, "disp/layer1",
		    "device 'disp' has no plane 'layer1'");
	expectError(devices + buf + "vpu, consumers: [disp/layer0, vpu]}\n", 10, "vpu",
		    "'vpu' is the producer of buffer 'b' and cannot also be its consumer", 1);
	EXPECT_TRUE(load({ { "ok.yaml", devices + buf + "disp/layer0, consumers: [disp]}\n" } }))
		<< "names compare as written: disp/layer0 and disp are different users";
	const std::string twice = devices + buf + "vpu, consumers: [disp, disp]}\n";
	expectError(twice, 10, "disp", "'disp' appears twice in 'consumers' (first at " + at(twice, 10, "disp") + ")", 1);
	expectError(devices + buf + "disp//x}\n", 10, "disp//x", "'disp//x' is not a user: write 'device' or 'device/plane'");
	expectError(devices + "policy:\n  prefer: [cma]\n", 10, "cma", "policy.prefer names unknown heap 'cma'");
	expectError(devices + "policy:\n  prefer: [vpu]\n", 10, "vpu", "policy.prefer names 'vpu', a device; it lists heaps");
	expectError(devices + "policy:\n  forbid_backends: [ion]\n", 10, "ion",
		    "unknown backend 'ion' in forbid_backends (known: dma-heap, drm-dumb, udmabuf)");
}

TEST(Loader, BufferRules)
{
	const std::string head = std::string("version: 1\n") + kDevice + "buffers:\n";
	expectError(head + "  - {name: b, format: MT21, width: 2, height: 2, producer: vpu}\n", 5, "MT21",
		    "unknown buffer format 'MT21' (see the format table in docs/schema.md)");
	expectError(head + "  - {name: b, format: NV12, width: 0, height: 2, producer: vpu}\n", 5, "0,",
		    "'width' must be positive");
	expectError(head + "  - {name: b, format: NV12, width: 2, height: 2}\n", 5, "{", "buffer 'b' needs 'producer'");
	expectError(head + "  - {name: b, width: 2, height: 2, producer: vpu}\n", 5, "{", "buffer 'b' needs 'format'");
	expectError(head + "  - {name: b, format: NV12, width: 2, height: 2, producer: vpu, consumers: []}\n", 5, "[]",
		    "'consumers' must not be empty (leave the key out to mean anywhere / any)");
}

TEST(Loader, PolicyMayAppearInOneFileOnly)
{
	auto r = load({ { "a.yaml", "version: 1\nheaps:\n  - {name: h, backend: dma-heap}\npolicy:\n  prefer: [h]\n" },
			{ "b.yaml", "version: 1\npolicy:\n  forbid_backends: [drm-dumb]\n" } });
	ASSERT_FALSE(r);
	EXPECT_EQ(r.error().message(),
		  "b.yaml:2:1: error: 'policy' is already given at a.yaml:4:1 (it may appear in one file only)");
}

TEST(Loader, RegionTotalsThatOverflowAreBadInput)
{
	EXPECT_EQ(errorOf("version: 1\nheaps:\n  - name: h\n    backend: dma-heap\n    regions:\n"
			  "      - {base: 0, size: 0x8000000000000000}\n      - {base: 0, size: 0x8000000000000000}\n"),
		  "board.yaml:5:5: error: the total size of heap 'h' regions does not fit in 64 bits");
}

// Regression for c75395c: mapping() held references into the temporary pair that yaml-cpp's
// iterator returns, so every key and value was read after its lifetime ended. A normal build
// happened to read the right bytes; under --config=asan (scripts/test runs it) every load failed
// with stack-use-after-scope. Here every value of a long mapping must be read back.
TEST(Loader, EveryValueOfALongMappingIsReadBack)
{
	auto r = load({ { "board.yaml", "version: 1\nheaps:\n  - name: h\n    backend: udmabuf\n"
					"    contiguous: true\n    cached: false\n    protected: true\n"
					"    align: 8KiB\n    max_buffer: 3MiB\n    path: /dev/x\n"
					"    regions: [{base: 0x1000, size: 0x2000}]\n" } });
	ASSERT_TRUE(r) << r.error().message();
	const Heap &h = r->heaps.at(0);
	EXPECT_EQ(h.backend.value, Backend::Udmabuf);
	EXPECT_TRUE(h.contiguous.value);
	EXPECT_FALSE(h.cached.value);
	EXPECT_TRUE(h.isProtected.value);
	EXPECT_EQ(h.align.value, 8192u);
	ASSERT_TRUE(h.maxBuffer);
	EXPECT_EQ(h.maxBuffer->value, 3u << 20);
	EXPECT_EQ(h.devicePath(), "/dev/x");
	EXPECT_EQ(h.regionTotal, 0x2000u);
}

// Regression (found by fuzz_loader in its first 20 seconds): a file that starts with ',' made
// yaml-cpp 0.7's LoadAll() loop forever, allocating about 100 MiB a second, so `heapsolve check`
// on a one-byte file hung until the OOM killer came. Run in a child with an alarm, so that a
// regression fails here in seconds instead of eating the machine's memory.
TEST(LoaderDeathTest, ALeadingCommaIsAnErrorNotAHang)
{
	for (const char *text : { ",", "  ,x", ",\n", ",version: 1\n" }) {
		EXPECT_EXIT(
			{
				alarm(10);
				const std::string e = errorOf(text);
				std::fprintf(stderr, "%s\n", e.c_str());
				std::exit(e.starts_with("board.yaml:1:") && e.find(": error: ") != std::string::npos ? 0 : 1);
			},
			::testing::ExitedWithCode(0), "board.yaml:1:")
			<< "input " << text;
	}
	EXPECT_EQ(errorOf("version: 1\n---\nversion: 1\n"),
		  "board.yaml:2:1: error: a second YAML document in one file; give each part as its own file");
}

TEST(Loader, UnreadableFileIsBadInput)
{
	std::vector<std::string> paths{ "/nonexistent/board.yaml" };
	auto r = loadSystemFromPaths(paths);
	ASSERT_FALSE(r);
	ASSERT_TRUE(r.error().file()) << r.error().message();
	EXPECT_EQ(r.error().file()->path, "/nonexistent/board.yaml");
	EXPECT_EQ(r.error().err(), ENOENT);
	EXPECT_EQ(r.error().message(), "/nonexistent/board.yaml:1:1: error: cannot read: No such file or directory");
}

// A directory opens like a file, and std::ifstream then read it as an empty one ("empty file:
// expected a mapping..."); read() says what it is (EISDIR).
TEST(Loader, DirectoryGivenAsAFileSaysIsADirectory)
{
	const std::string dir = ::testing::TempDir();
	std::vector<std::string> paths{ dir };
	auto r = loadSystemFromPaths(paths);
	ASSERT_FALSE(r);
	ASSERT_TRUE(r.error().file()) << r.error().message();
	EXPECT_EQ(r.error().err(), EISDIR);
	EXPECT_EQ(r.error().message(), dir + ":1:1: error: cannot read: Is a directory");
}

// yaml-cpp's own guard stops at 2000 levels and says only "bad file"; the document builder stops
// at kMaxDepth and says where and why.
TEST(Loader, DeepNestingSaysHowDeep)
{
	EXPECT_EQ(errorOf(std::string(100000, '[')), "board.yaml:1:65: error: nesting deeper than 64 levels");
	EXPECT_EQ(errorOf("version: 1\nheaps: " + std::string(100000, '{')),
		  "board.yaml:2:71: error: nesting deeper than 64 levels");
	// Nesting up to the limit is only as wrong as its content.
	EXPECT_EQ(errorOf(std::string(64, '[') + std::string(64, ']')), "board.yaml:1:1: error: the top level must be a mapping");
}

} // namespace
} // namespace heapsolve
