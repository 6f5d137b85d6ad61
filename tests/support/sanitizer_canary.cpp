// SPDX-License-Identifier: Apache-2.0
// Deliberate bugs, one per mode, for sanitizer_canary_test: under --config=asan a leak, an overflow
// and a signed overflow, under --config=tsan a data race, must each be reported and fail the
// process. That proves the sanitizers really run inside Bazel's sandbox (LeakSanitizer, for one,
// stays silent where it cannot stop the process's threads). `probe` prints which sanitizer the
// binary has: asan, tsan or none.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

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

int racy;

[[gnu::noinline]] void race()
{
	std::thread a([] { racy = 1; });
	std::thread b([] { racy = 2; });
	a.join();
	b.join();
	sink = racy;
}

} // namespace

int main(int argc, char **argv)
{
#if defined(__SANITIZE_ADDRESS__)
	const char *kind = "asan";
#elif defined(__SANITIZE_THREAD__)
	const char *kind = "tsan";
#else
	const char *kind = "none";
#endif
	const char *mode = argc > 1 ? argv[1] : "";
	if (!std::strcmp(mode, "probe")) {
		std::puts(kind);
		return 0;
	}
	if (!std::strcmp(kind, "none"))
		return 0;
	if (!std::strcmp(mode, "leak"))
		leak();
	else if (!std::strcmp(mode, "overflow"))
		overflow();
	else if (!std::strcmp(mode, "ubsan"))
		signedOverflow();
	else if (!std::strcmp(mode, "race"))
		race();
	else
		return 2;
	std::puts("the bug ran to the end");
	return 0;
}
