// SPDX-License-Identifier: Apache-2.0
// `heapsolve check` as a function: exit codes, what goes to stdout and stderr, the JSON fields.
#include "cli/check.h"
#include "cli/json.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace heapsolve::cli {
namespace {

std::string writeFile(const std::string &name, const std::string &text)
{
	const char *dir = std::getenv("TEST_TMPDIR");
	const std::string path = std::string(dir ? dir : "/tmp") + "/" + name;
	std::ofstream(path) << text;
	return path;
}

struct CheckRun {
	int status;
	std::string out;
	std::string err;
};

CheckRun check(const std::vector<std::string> &files, bool json)
{
	std::ostringstream out, err;
	const int status = runCheck(files, { json ? CheckFormat::Json : CheckFormat::Text, false }, out, err);
	return { status, out.str(), err.str() };
}

const char *kBoard = R"(version: 1
memory:
  - {base: 0, size: 8GiB}
heaps:
  - name: system
    backend: dma-heap
  - name: cma32
    backend: dma-heap
    contiguous: true
    regions: [{base: 0x10000000, size: 256MiB}]
)";

const char *kPipeline = R"(version: 1
devices:
  - name: rga
    kind: other
    address: [{base: 0x0, size: 4GiB}]
  - {name: npu, kind: other, address: [{base: 4GiB, size: 4GiB}]}
buffers:
  - {name: frame, format: NV12, width: 1920, height: 1080, count: 2, producer: rga}
  - {name: overlay, format: R8, width: 16, height: 16, producer: rga, consumers: [npu]}
)";

TEST(Check, JsonMatchesTheSpecFieldByField)
{
	const std::string board = writeFile("board.yaml", kBoard);
	const std::string pipeline = writeFile("pipeline.yaml", kPipeline);
	CheckRun r = check({ board, pipeline }, true);
	EXPECT_EQ(r.status, kExitUnsatisfiable);
	EXPECT_EQ(r.err, "");
	const std::string expectedFrame =
		// 1920 x 1080 = 2073600 -> page 507 = 2076672; + 1920 x 540 = 3113472 -> 761 pages = 3117056.
		"{\"name\": \"frame\", \"ok\": true, \"heap\": \"cma32\", \"backend\": \"dma-heap\", \"format\": \"NV12\", "
		"\"modifier\": \"LINEAR\", \"width\": 1920, \"height\": 1080, \"count\": 2, \"size\": 3117056, "
		"\"planes\": [{\"offset\": 0, \"stride\": 1920}, {\"offset\": 2076672, \"stride\": 1920}]}";
	EXPECT_NE(r.out.find(expectedFrame), std::string::npos) << r.out;
	EXPECT_EQ(r.out.rfind("{\"buffers\": [", 0), 0u);
	EXPECT_NE(r.out.find("{\"name\": \"overlay\", \"ok\": false,"), std::string::npos);
	EXPECT_NE(r.out.find("{\"user\": \"rga\", \"rule\": \"address\", \"detail\": \"needs [0x0, 0x100000000)\", \"at\": \"" +
			     pipeline + ":5\"}"),
		  std::string::npos)
		<< "at is FILE:LINE with FILE as given: " << r.out;
	EXPECT_NE(r.out.find("{\"user\": \"npu\", \"rule\": \"address\""), std::string::npos);
	EXPECT_LT(r.out.find("\"frame\""), r.out.find("\"overlay\"")) << "buffers in definition order";
}

TEST(Check, ExitZeroWhenEverythingSolves)
{
	const std::string board = writeFile("board0.yaml", kBoard);
	const std::string only = writeFile("only.yaml", R"(version: 1
devices:
  - {name: cam, kind: camera}
buffers:
  - {name: b, format: YUYV, width: 640, height: 480, producer: cam}
)");
	CheckRun r = check({ board, only }, false);
	EXPECT_EQ(r.status, kExitOk);
	EXPECT_EQ(r.err, "");
	EXPECT_NE(r.out.find("1 buffer: 1 solved, 0 unsatisfiable"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("b       ok      system"), std::string::npos) << r.out;
}

TEST(Check, BadInputExitsTwoWithNothingOnStdout)
{
	const std::string bad = writeFile("bad.yaml", "version: 1\nheaps:\n  - {name: h, backend: dma-heap, color: red}\n");
	for (bool json : { true, false }) {
		CheckRun r = check({ bad }, json);
		EXPECT_EQ(r.status, kExitBadInput);
		EXPECT_EQ(r.out, "");
		EXPECT_EQ(r.err.rfind(bad + ":3:34: error: unknown key 'color' in a heap", 0), 0u) << r.err;
	}
	const std::string huge = writeFile("huge.yaml", R"(version: 1
heaps: [{name: h, backend: dma-heap}]
devices: [{name: c, kind: camera}]
buffers: [{name: b, format: XRGB8888, width: 0x100000000, height: 0x100000000, producer: c}]
)");
	CheckRun r = check({ huge }, true);
	EXPECT_EQ(r.status, kExitBadInput);
	EXPECT_EQ(r.out, "");
	EXPECT_NE(r.err.find("does not fit in 64 bits"), std::string::npos) << r.err;
}

TEST(Check, PlainOutputExplainsInSentences)
{
	const std::string board = writeFile("board1.yaml", kBoard);
	const std::string pipeline = writeFile("pipeline1.yaml", kPipeline);
	CheckRun r = check({ board, pipeline }, false);
	EXPECT_EQ(r.status, kExitUnsatisfiable);
	EXPECT_NE(r.out.find("buffer overlay is unsatisfiable:\n"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("The address windows of the users do not meet"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("rga     address  needs [0x0, 0x100000000)"), std::string::npos) << r.out;
}

TEST(JsonString, EscapesWhatJsonRequires)
{
	EXPECT_EQ(jsonString("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

} // namespace
} // namespace heapsolve::cli
