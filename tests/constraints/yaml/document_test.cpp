// SPDX-License-Identifier: Apache-2.0
// yaml::Document against what the loader read before it (YAML::Load, then a second parser that
// counts documents): the same outcome and, node for node, the same kinds, positions, plainness,
// texts and order, on hand-written edge cases and on every YAML file the repository ships.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/generator.h"
#include "constraints/yaml/document.h"
#include "tests/constraints/yaml/document_diff.h"

namespace heapsolve::yaml {
namespace {

using testing::diffWithYamlCpp;

TEST(Document, EdgeCasesReadAsYamlCppReadsThem)
{
	const char *cases[] = {
		"",
		"# only a comment\n",
		"---\n",
		"---\n...\n",
		"~\n",
		"null\n",
		"~\n---\n[unclosed\n",
		"version: 1\n",
		"version: '1'\n",
		"version: !!int 1\n",
		"a: \"quoted\"\nb: plain\nc: 'single'\nd: !tag x\ne: !!str y\n",
		"a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: ''\n",
		"a: 1\na: 2\n",
		"- a\n- \n- - b\n  - c\n- {x: 1, y: [2, 3]}\n",
		"base: &b {base: 0x0, size: 1GiB}\nlist: [*b, *b]\n",
		"a: &x [1, *x]\n",
		"&m {k: *m}\n",
		"? [a, b]\n: c\n? {d: e}\n: f\n",
		"text: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
		"a: 1\n---\nb: 2\n",
		"a: 1\n---\nb: [2\n",
		"a: 1\n--- !!str\n",
		",",
		",a: 1\n",
		"[a, b",
		"{a: 1",
		"a: b: c\n",
		"\ta: 1\n",
		"a: *unknown\n",
		"a: &x 1\nb: &x 2\nc: *x\n",
		"name: caf\xc3\xa9\nother: \xe2\x82\xac\n",
		"\xef\xbb\xbfversion: 1\n",
		"key with spaces: value\n\"quoted key\": 1\n",
		"- ? a\n  : b\n",
		"[]\n",
		"{}\n",
		"a: []\nb: {}\n",
		"%YAML 1.2\n---\na: 1\n",
		"%TAG ! tag:example.com,2000:\n---\na: !foo 1\n",
	};
	for (const char *text : cases) {
		auto d = diffWithYamlCpp(text);
		EXPECT_FALSE(d) << "'" << text << "': " << d.value_or("");
	}
}

// The check itself must be able to fail: a difference in a plain flag, a position or the order
// of pairs is what it exists to see, so compare two readings that do differ.
TEST(Document, TheComparisonSeesADifference)
{
	const Document quoted = Document::parse("a: '1'\n");
	const Document plain = Document::parse("a: 1\n");
	EXPECT_FALSE(quoted.root().value(0).isPlain());
	EXPECT_TRUE(plain.root().value(0).isPlain());
	EXPECT_EQ(quoted.root().value(0).scalar(), plain.root().value(0).scalar());

	const Document doc = Document::parse("x: 1\ny: [a, b]\n");
	const Node root = doc.root();
	ASSERT_TRUE(root.isMap());
	ASSERT_EQ(root.size(), 2u);
	EXPECT_EQ(root.key(1).scalar(), "y");
	EXPECT_EQ(root.value(1).mark().line, 1);
	EXPECT_EQ(root.value(1).mark().column, 3);
	ASSERT_TRUE(root.value(1).isSequence());
	std::string items;
	for (Node item : root.value(1).items())
		items += std::string(item.scalar());
	EXPECT_EQ(items, "ab");
	EXPECT_EQ(root.items().begin(), root.items().end()); // a map has pairs, not items
}

TEST(Document, AnAliasIsItsAnchorsNode)
{
	const Document doc = Document::parse("a: &w {base: 0, size: 4096}\nb: *w\n");
	const Node a = doc.root().value(0);
	const Node b = doc.root().value(1);
	ASSERT_TRUE(b.isMap());
	EXPECT_EQ(b.mark().line, a.mark().line);
	EXPECT_EQ(b.mark().column, a.mark().column);
	EXPECT_EQ(b.value(1).scalar(), "4096");
}

TEST(Document, ASecondDocumentIsFoundNotKept)
{
	const Document doc = Document::parse("a: 1\n---\nb: 2\n");
	ASSERT_TRUE(doc.secondDocument());
	EXPECT_EQ(doc.secondDocument()->line, 1);
	EXPECT_EQ(doc.root().size(), 1u);
	EXPECT_FALSE(Document::parse("a: 1\n").secondDocument());
}

std::string readFile(const std::filesystem::path &p)
{
	std::ifstream in(p, std::ios::binary);
	std::ostringstream text;
	text << in.rdbuf();
	return text.str();
}

TEST(Document, EveryShippedFileReadsAsYamlCppReadsIt)
{
	size_t files = 0;
	for (const char *dir : { "examples", "profiles", "tests/fuzz/corpus", "tests/fuzz/crashes" }) {
		ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
		for (const auto &entry : std::filesystem::recursive_directory_iterator(dir)) {
			if (!entry.is_regular_file())
				continue;
			++files;
			auto d = diffWithYamlCpp(readFile(entry.path()));
			EXPECT_FALSE(d) << entry.path() << ": " << d.value_or("");
		}
	}
	// The examples, the profiles and the fuzz corpus: a missing data dependency shows here.
	EXPECT_GE(files, 60u);
}

TEST(Document, GeneratedSystemsReadAsYamlCppReadsThem)
{
	for (uint64_t seed : { 1, 2, 3 })
		for (const InputFile &f : bench::generateSystem(300, seed)) {
			auto d = diffWithYamlCpp(f.text);
			EXPECT_FALSE(d) << f.name << " (seed " << seed << "): " << d.value_or("");
		}
}

} // namespace
} // namespace heapsolve::yaml
