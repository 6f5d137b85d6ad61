// SPDX-License-Identifier: Apache-2.0
// The pixel formats every schema-1 implementation knows, with their plane geometry.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace heapsolve {

struct FormatPlane {
	uint32_t cpp;  // bytes per sample
	uint32_t hsub; // horizontal subsampling
	uint32_t vsub; // vertical subsampling
};

struct FormatInfo {
	std::string_view name;
	std::span<const FormatPlane> planes;
};

// nullptr when `name` is not in the table.
const FormatInfo *findFormat(std::string_view name);
std::span<const FormatInfo> knownFormats();

} // namespace heapsolve
