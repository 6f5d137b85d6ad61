// SPDX-License-Identifier: Apache-2.0
// Fuzzes the device-tree importer: any bytes as a DTB must give a description whose YAML the
// schema-1 loader accepts, or a DtbError that says where (a node path or a byte offset) and what;
// never a crash, a hang, a leak or a sanitizer report.
#include <cstddef>
#include <cstdint>

#include "heapsolve/devicetree.h"
#include "heapsolve/loader.h"
#include "tests/fuzz/split.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	using namespace heapsolve;
	devicetree::Options options;
	options.capacity = false; // the loader of this tree may not know the key yet
	auto d = devicetree::importDtb(std::span<const uint8_t>(data, size), options);
	const std::vector<InputFile> blob{ InputFile{ "input.dtb", std::string(reinterpret_cast<const char *>(data), size) } };
	if (!d) {
		const DtbError *e = d.error().dtb();
		if (!e)
			fuzz::violated("bad input that is not a DtbError: " + d.error().message(), blob);
		else if (e->what.empty() || (e->where.empty() || (e->where[0] != '/' && e->where.rfind("byte offset ", 0) != 0)))
			fuzz::violated("an error without a node path or byte offset: " + d.error().message(), blob);
		return 0;
	}
	// What the importer promises: every output loads.
	const std::vector<InputFile> files{ InputFile{ "import.yaml", devicetree::toYaml(*d, options) } };
	auto system = loadSystem(files);
	if (!system)
		fuzz::violated("the import does not load: " + system.error().message() + "\n" + files[0].text, blob);
	return 0;
}
