// SPDX-License-Identifier: Apache-2.0
// Lets libFuzzer 14 (Debian's libclang-rt-14-dev) drive code that g++ instruments. clang 14 cannot
// compile heapsolve (libstdc++ 12's <expected> needs newer concepts support), and g++ emits only
// -fsanitize-coverage=trace-pc (no inline 8-bit counters), which libFuzzer 14 refuses. So this file
// defines __sanitizer_cov_trace_pc itself: it hashes the caller's PC into a 64 Ki array of 8-bit
// counters that it hands to libFuzzer as if the compiler had made them. The link puts this object
// before the libFuzzer archive with --allow-multiple-definition, so this definition wins over
// libFuzzer's refusing one. trace-cmp needs nothing: libFuzzer's own hooks take the comparisons.
// Nothing here may be instrumented: coverage of the shim itself would recurse.
#include <cstddef>
#include <cstdint>

extern "C" void __sanitizer_cov_8bit_counters_init(uint8_t *start, uint8_t *stop);
extern "C" void __sanitizer_cov_pcs_init(const uintptr_t *begin, const uintptr_t *end);

#define HEAPSOLVE_UNINSTRUMENTED \
	__attribute__((no_sanitize_coverage, no_sanitize_address, no_sanitize_undefined))

namespace {

constexpr size_t kSlots = 1 << 16;
uint8_t counters[kSlots];
// libFuzzer wants one (pc, flags) pair per counter; a slot number stands in for the pc.
uintptr_t pcs[2 * kSlots];

HEAPSOLVE_UNINSTRUMENTED __attribute__((constructor)) void registerCounters()
{
	for (size_t i = 0; i < kSlots; ++i) {
		pcs[2 * i] = i + 1;
		pcs[2 * i + 1] = 0;
	}
	__sanitizer_cov_8bit_counters_init(counters, counters + kSlots);
	__sanitizer_cov_pcs_init(pcs, pcs + 2 * kSlots);
}

} // namespace

extern "C" HEAPSOLVE_UNINSTRUMENTED void __sanitizer_cov_trace_pc()
{
	const uintptr_t pc = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
	counters[(pc ^ (pc >> 15)) & (kSlots - 1)]++;
}
