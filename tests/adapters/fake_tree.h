// SPDX-License-Identifier: Apache-2.0
// A scratch directory tree for adapter logic tests: fake heap directories, command lines and
// device-tree properties. Removed when the FakeTree goes.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace heapsolve::test {

class FakeTree
{
public:
	FakeTree()
	{
		std::string tmpl = (std::filesystem::temp_directory_path() / "heapsolve-XXXXXX").string();
		root_ = mkdtemp(tmpl.data());
	}
	~FakeTree()
	{
		std::error_code ec;
		std::filesystem::remove_all(root_, ec);
	}
	FakeTree(const FakeTree &) = delete;
	FakeTree &operator=(const FakeTree &) = delete;

	std::string path(const std::string &rel) const { return root_ + "/" + rel; }

	// Writes `content` to `rel`, creating the directories on the way.
	std::string write(const std::string &rel, const std::string &content) const
	{
		std::filesystem::path p = path(rel);
		std::filesystem::create_directories(p.parent_path());
		std::ofstream(p, std::ios::binary) << content;
		return p.string();
	}

	std::string dir(const std::string &rel) const
	{
		std::filesystem::create_directories(path(rel));
		return path(rel);
	}

private:
	std::string root_;
};

// Big-endian 32-bit cells, as device-tree properties store them.
inline std::string cells(std::initializer_list<uint32_t> values)
{
	std::string out;
	for (uint32_t v : values)
		for (int shift = 24; shift >= 0; shift -= 8)
			out += static_cast<char>((v >> shift) & 0xff);
	return out;
}

} // namespace heapsolve::test
