// SPDX-License-Identifier: Apache-2.0
// Builds small DTBs in memory with libfdt's sequential-write API, for the importer's tests.
#pragma once

extern "C" {
#include <libfdt.h>
}

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace heapsolve::devicetree::test {

class DtbBuilder
{
public:
	DtbBuilder() : buf_(1 << 16)
	{
		fdt_create(buf_.data(), static_cast<int>(buf_.size()));
		fdt_finish_reservemap(buf_.data());
		begin(""); // the root
	}

	DtbBuilder &begin(const std::string &name)
	{
		fdt_begin_node(buf_.data(), name.c_str());
		return *this;
	}
	DtbBuilder &end()
	{
		fdt_end_node(buf_.data());
		return *this;
	}
	DtbBuilder &cells(const std::string &name, std::initializer_list<uint32_t> values)
	{
		std::vector<fdt32_t> be;
		for (uint32_t v : values)
			be.push_back(cpu_to_fdt32(v));
		fdt_property(buf_.data(), name.c_str(), be.data(), static_cast<int>(be.size() * 4));
		return *this;
	}
	DtbBuilder &bytes(const std::string &name, const std::vector<uint8_t> &raw)
	{
		fdt_property(buf_.data(), name.c_str(), raw.data(), static_cast<int>(raw.size()));
		return *this;
	}
	// One string, or a string list ("a\0b\0").
	DtbBuilder &strings(const std::string &name, std::initializer_list<std::string> values)
	{
		std::string all;
		for (const std::string &v : values)
			all += v + std::string(1, '\0');
		fdt_property(buf_.data(), name.c_str(), all.data(), static_cast<int>(all.size()));
		return *this;
	}
	DtbBuilder &flag(const std::string &name)
	{
		fdt_property(buf_.data(), name.c_str(), nullptr, 0);
		return *this;
	}

	std::vector<uint8_t> finish()
	{
		end(); // the root
		fdt_finish(buf_.data());
		const uint32_t size = fdt_totalsize(buf_.data());
		return std::vector<uint8_t>(buf_.begin(), buf_.begin() + size);
	}

	// The blob with its header's version and last compatible version set to `version` (the
	// structure block as written: names stay as begin() gave them).
	std::vector<uint8_t> finishAsVersion(uint32_t version)
	{
		std::vector<uint8_t> blob = finish();
		fdt_set_version(blob.data(), version);
		fdt_set_last_comp_version(blob.data(), version);
		return blob;
	}

private:
	std::vector<char> buf_;
};

} // namespace heapsolve::devicetree::test
