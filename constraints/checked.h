// SPDX-License-Identifier: Apache-2.0
// Overflow-checked arithmetic on 64-bit sizes. Every size heapsolve computes goes through these:
// a result that does not fit in 64 bits is reported (std::nullopt), never wrapped.
#pragma once

#include <cstdint>
#include <numeric>
#include <optional>

namespace heapsolve {

inline std::optional<uint64_t> checkedAdd(uint64_t a, uint64_t b)
{
	uint64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return std::nullopt;
	return r;
}

inline std::optional<uint64_t> checkedMul(uint64_t a, uint64_t b)
{
	uint64_t r;
	if (__builtin_mul_overflow(a, b, &r))
		return std::nullopt;
	return r;
}

// Smallest multiple of `align` (> 0) that is >= v.
inline std::optional<uint64_t> checkedAlignUp(uint64_t v, uint64_t align)
{
	const uint64_t rem = v % align;
	if (rem == 0)
		return v;
	return checkedAdd(v, align - rem);
}

// ceil(a / b) for b > 0; cannot overflow.
inline uint64_t divRoundUp(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0 ? 1 : 0);
}

// Least common multiple of two positive numbers.
inline std::optional<uint64_t> checkedLcm(uint64_t a, uint64_t b)
{
	const uint64_t g = std::gcd(a, b);
	return checkedMul(a / g, b);
}

} // namespace heapsolve
