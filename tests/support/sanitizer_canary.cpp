// SPDX-License-Identifier: Apache-2.0
// Deliberate bugs, one per mode, for sanitizer_canary_test: under --config=asan each must be
// reported and fail the process, which proves that ASan, LeakSanitizer and UBSan really run inside
// Bazel's sandbox (LeakSanitizer, for one, stays silent where it cannot stop the process's threads).
// Without ASan the binary says so and exits 0 without running any bug.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace {

volatile int sink;
int *volatile escape; // keeps the compiler from eliding the allocations

[[gnu::noinline]] void leak()
{
	escape = new int[64];
	escape = nullptr; // the only pointer is gone
}

[[gnu::noinline]] void overflow()
{
	escape = new int[4];
	sink = escape[std::atoi("4")]; // one past the end
	delete[] escape;
}

[[gnu::noinline]] void signedOverflow()
{
	volatile int big = std::numeric_limits<int>::max();
	sink = big + std::atoi("1");
}

} // namespace

int main(int argc, char **argv)
{
#ifndef __SANITIZE_ADDRESS__
	std::puts("not built with sanitizers");
	return 0;
#endif
	const char *mode = argc > 1 ? argv[1] : "";
	if (!std::strcmp(mode, "leak"))
		leak();
	else if (!std::strcmp(mode, "overflow"))
		overflow();
	else if (!std::strcmp(mode, "ubsan"))
		signedOverflow();
	else
		return 2;
	std::puts("the bug ran to the end");
	return 0;
}
