// SPDX-License-Identifier: Apache-2.0
// Fuzzes the YAML loader: any bytes, split into up to three files, must give a System or a
// ParseError that points into one of the files, never a crash, leak or sanitizer report.
#include <cstddef>
#include <cstdint>

#include "heapsolve/loader.h"
#include "tests/fuzz/split.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	using namespace heapsolve;
	const std::vector<InputFile> files = fuzz::splitInput(data, size);
	auto system = loadSystem(files);
	if (!system) {
		const Error &e = system.error();
		// Bad input, placed: a ParseError or an OverflowError, at a position in one of the files.
		const std::optional<Source> at = e.at();
		if ((!e.parse() && !e.overflow()) || !at)
			fuzz::violated("the loader returned a non-parse error: " + e.message(), files);
		bool known = false;
		for (const InputFile &f : files)
			known |= at->file == f.name;
		if (!known || e.summary().empty())
			fuzz::violated("a parse error that names no input file: " + e.message(), files);
		return 0;
	}
	// What the loader promises about a loaded system.
	for (const Heap &h : system->heaps) {
		unsigned __int128 total = 0;
		for (const Window &w : h.regions.windows) {
			if (w.size == 0 || static_cast<unsigned __int128>(w.base) + w.size >= (static_cast<unsigned __int128>(1) << 64))
				fuzz::violated("heap " + h.name + " has an empty or overflowing region", files);
			total += w.size;
		}
		if (total != h.regionTotal || h.align.value == 0 || h.align.value % 4096 != 0)
			fuzz::violated("heap " + h.name + " region total or align is wrong", files);
	}
	for (const Buffer &b : system->buffers) {
		if (!b.format.value || b.width.value == 0 || b.height.value == 0 || b.count.value == 0)
			fuzz::violated("buffer " + b.name + " has no format or a zero dimension", files);
		if (!system->findDevice(b.producer.device))
			fuzz::violated("buffer " + b.name + " has an unresolved producer", files);
	}
	return 0;
}
