// SPDX-License-Identifier: Apache-2.0
// The C++ example of README.md ("From C++"), compiled and run on the shipped rpi4 example: the
// code between the markers is the README's, word for word (readme_test.sh checks that).
#include <cstdio>
#include <string>
#include <vector>

// README-BEGIN
#include "heapsolve/allocate.h"
#include "heapsolve/loader.h"
#include "heapsolve/plan_cache.h"
#include "heapsolve/system_snapshot.h"

int allocateDecoded(const std::vector<std::string> &files, heapsolve::PlanCache &cache)
{
	using namespace heapsolve;
	auto loaded = loadSystemFromPaths(files);
	if (!loaded) {
		std::fprintf(stderr, "%s\n", loaded.error().message().c_str()); // FILE:LINE:COLUMN: error: ...
		return 2;
	}
	// Immutable from here on: the cache answers it by identity (~50 ns a hit), not by content.
	const SystemSnapshot system(std::move(*loaded));
	// One set of adapters for the pool's life: heap nodes stay open between buffers. No DRM
	// primary node is ever opened unless the plan lists a drm-dumb heap the policy allows.
	std::optional<Adapters> adapters;
	for (size_t b = 0; b < system->buffers.size(); ++b) {
		auto answer = cache.solveBuffer(system, b); // the same answer as solve(), shared
		if (!answer)
			return 2; // input whose sizes overflow
		const BufferResult &r = **answer;
		if (!r.ok()) {
			for (const std::string &sentence : r.conflict().explanation)
				std::printf("%s: %s\n", r.name.c_str(), sentence.c_str());
			continue;
		}
		std::printf("%s: heap %s, %llu bytes\n", r.name.c_str(), r.plan().heap.name.c_str(),
			    static_cast<unsigned long long>(r.plan().size));
		if (!adapters)
			adapters.emplace(Adapters::forMachine(PrimaryNodeAccess::forPlan(r.plan())));
		auto allocation = allocatePlan(r.plan(), *adapters); // plan.count dma-bufs, fds owned
		if (!allocation)
			std::printf("  not here: %s\n", allocation.error().message().c_str()); // errno and node
	}
	return 0;
}
// README-END

int main(int argc, char **argv)
{
	std::vector<std::string> files(argv + 1, argv + argc);
	heapsolve::PlanCache cache;
	const int first = allocateDecoded(files, cache);
	const heapsolve::PlanCache::Stats after = cache.stats();
	// A second pass over a new snapshot of the same files: new ids, so misses again, same output.
	const int second = allocateDecoded(files, cache);
	const heapsolve::PlanCache::Stats again = cache.stats();
	if (first != 0 || second != 0 || after.misses == 0 || again.misses != 2 * after.misses || again.hits != 0) {
		std::fprintf(stderr, "unexpected: exit %d/%d, misses %llu then %llu, hits %llu\n", first, second,
			     static_cast<unsigned long long>(after.misses), static_cast<unsigned long long>(again.misses),
			     static_cast<unsigned long long>(again.hits));
		return 1;
	}
	return 0;
}
