// SPDX-License-Identifier: Apache-2.0
// Peak resident set size of loading and solving a generated system, as getrusage reports it:
//   peak_rss [BUFFERS [SEED]]  ->  one JSON object on stdout.
// The generated YAML text is built first and counted too (the CLI would read it from files).
#include <sys/resource.h>

#include <cstdlib>
#include <iostream>

#include "bench/generator.h"
#include "heapsolve/loader.h"
#include "heapsolve/solver.h"

int main(int argc, char **argv)
{
	const size_t buffers = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000;
	const uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;

	struct rusage before {
	};
	getrusage(RUSAGE_SELF, &before);

	const auto files = heapsolve::bench::generateSystem(buffers, seed);
	auto system = heapsolve::loadSystem(files);
	if (!system) {
		std::cerr << system.error().message() << "\n";
		return 1;
	}
	auto solution = heapsolve::solve(*system, system->policy);
	if (!solution) {
		std::cerr << solution.error().message() << "\n";
		return 1;
	}
	size_t solved = 0;
	for (const auto &b : solution->buffers)
		solved += b.ok();

	struct rusage after {
	};
	getrusage(RUSAGE_SELF, &after);
	// ru_maxrss is in KiB on Linux.
	std::cout << "{\"buffers\": " << buffers << ", \"solved\": " << solved
		  << ", \"maxrss_before_kib\": " << before.ru_maxrss << ", \"maxrss_kib\": " << after.ru_maxrss << "}\n";
	return 0;
}
