// SPDX-License-Identifier: Apache-2.0
#include "constraints/number.h"

#include <array>
#include <utility>

#include "constraints/checked.h"

namespace heapsolve {

namespace {

constexpr std::array<std::pair<std::string_view, uint64_t>, 5> kUnits{ {
	{ "B", 1 },
	{ "KiB", uint64_t{ 1 } << 10 },
	{ "MiB", uint64_t{ 1 } << 20 },
	{ "GiB", uint64_t{ 1 } << 30 },
	{ "TiB", uint64_t{ 1 } << 40 },
} };

int hexDigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

} // namespace

std::expected<uint64_t, std::string> parseNumber(std::string_view text)
{
	const std::string shown = "'" + std::string(text) + "'";
	if (text.empty())
		return std::unexpected("empty number");

	if (text.starts_with("0x")) {
		std::string_view digits = text.substr(2);
		if (digits.empty())
			return std::unexpected("hexadecimal number " + shown + " has no digits");
		uint64_t value = 0;
		for (char c : digits) {
			const int d = hexDigit(c);
			if (d < 0)
				return std::unexpected("bad hexadecimal number " + shown +
						       " (0x takes digits 0-9, a-f, A-F and no unit)");
			auto shifted = checkedMul(value, 16);
			auto next = shifted ? checkedAdd(*shifted, static_cast<uint64_t>(d)) : std::nullopt;
			if (!next)
				return std::unexpected("number " + shown + " does not fit in 64 bits");
			value = *next;
		}
		return value;
	}

	size_t i = 0;
	uint64_t value = 0;
	while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
		auto shifted = checkedMul(value, 10);
		auto next = shifted ? checkedAdd(*shifted, static_cast<uint64_t>(text[i] - '0')) : std::nullopt;
		if (!next)
			return std::unexpected("number " + shown + " does not fit in 64 bits");
		value = *next;
		++i;
	}
	if (i == 0)
		return std::unexpected("bad number " + shown +
				       " (expected digits with an optional unit B, KiB, MiB, GiB, TiB, or 0x...)");
	const std::string_view unit = text.substr(i);
	if (unit.empty())
		return value;
	for (const auto &[name, factor] : kUnits) {
		if (unit == name) {
			auto scaled = checkedMul(value, factor);
			if (!scaled)
				return std::unexpected("number " + shown + " does not fit in 64 bits");
			return *scaled;
		}
	}
	return std::unexpected("bad unit '" + std::string(unit) + "' in " + shown +
			       " (units are B, KiB, MiB, GiB, TiB, written right after the digits)");
}

std::string formatSize(uint64_t bytes)
{
	for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
		const uint64_t factor = it->second;
		if (factor > 1 && bytes >= factor && bytes % factor == 0)
			return std::to_string(bytes / factor) + std::string(it->first);
	}
	return std::to_string(bytes);
}

std::string formatHex(uint64_t value)
{
	static constexpr char kDigits[] = "0123456789abcdef";
	std::string out;
	do {
		out.insert(out.begin(), kDigits[value % 16]);
		value /= 16;
	} while (value != 0);
	return "0x" + out;
}

} // namespace heapsolve
