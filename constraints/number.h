// SPDX-License-Identifier: Apache-2.0
// Numbers of schema 1: a decimal integer with an optional unit (B, KiB, MiB, GiB, TiB) written
// directly after it, or 0x followed by hexadecimal digits and no unit. No sign, space, fraction or
// separator; leading zeros are decimal. The value must be below 2^64.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace heapsolve {

// Returns the value, or a sentence saying what is wrong with `text`.
std::expected<uint64_t, std::string> parseNumber(std::string_view text);

// "96MiB", "4KiB", "3137536" or "0x100000000": the shortest exact spelling, for explanations.
std::string formatSize(uint64_t bytes);
std::string formatHex(uint64_t value);

} // namespace heapsolve
