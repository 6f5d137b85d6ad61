// SPDX-License-Identifier: Apache-2.0
// A fuzz input is up to three YAML files separated by form feeds ('\f'): board, devices, pipeline.
// Later form feeds stay inside the third file, so every byte string is a valid input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "heapsolve/loader.h"

namespace heapsolve::fuzz {

inline std::vector<InputFile> splitInput(const uint8_t *data, size_t size)
{
	std::string_view rest(reinterpret_cast<const char *>(data), size);
	std::vector<InputFile> files;
	static const char *const kNames[] = { "a.yaml", "b.yaml", "c.yaml" };
	for (size_t i = 0; i < 3; ++i) {
		const size_t cut = i < 2 ? rest.find('\f') : std::string_view::npos;
		files.push_back({ kNames[i], std::string(rest.substr(0, cut)) });
		if (cut == std::string_view::npos)
			break;
		rest.remove_prefix(cut + 1);
	}
	return files;
}

// Stops the run with a message: libFuzzer saves the input as a crash, the replay test fails.
[[noreturn]] void violated(const std::string &what, const std::vector<InputFile> &files);

} // namespace heapsolve::fuzz
