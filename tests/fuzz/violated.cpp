// SPDX-License-Identifier: Apache-2.0
#include <cstdio>
#include <cstdlib>

#include "tests/fuzz/split.h"

namespace heapsolve::fuzz {

void violated(const std::string &what, const std::vector<InputFile> &files)
{
	std::fprintf(stderr, "invariant violated: %s\n", what.c_str());
	for (const InputFile &f : files)
		std::fprintf(stderr, "--- %s\n%s\n", f.name.c_str(), f.text.c_str());
	std::abort();
}

} // namespace heapsolve::fuzz
