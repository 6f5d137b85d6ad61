// SPDX-License-Identifier: Apache-2.0
// Solver benchmarks on generated systems (bench/generator.h). Run with --benchmark_format=json;
// scripts/bench.sh compares the figures with the targets in docs/performance.md.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "bench/generator.h"
#include "heapsolve/loader.h"
#include "heapsolve/plan_cache.h"
#include "heapsolve/solver.h"
#include "heapsolve/system_snapshot.h"

namespace {

using namespace heapsolve;

System load(const std::vector<InputFile> &files)
{
	auto system = loadSystem(files);
	if (!system) {
		std::cerr << system.error().message() << "\n";
		std::abort();
	}
	return std::move(*system);
}

// One 1080p NV12 buffer, 3 users, 8 heaps; nothing reused between iterations (graph included).
void BM_SingleBufferCold(benchmark::State &state)
{
	const System system = load(bench::singleBufferSystem());
	for (auto _ : state) {
		auto r = solveBuffer(system, system.policy, 0);
		benchmark::DoNotOptimize(r);
	}
}
BENCHMARK(BM_SingleBufferCold);

// The same request answered by the plan cache keyed by content: the canonical key is built and
// compared on every call (the cache cannot know whether a plain System changed), the answer is
// shared, not copied.
void BM_SingleBufferCached(benchmark::State &state)
{
	const System system = load(bench::singleBufferSystem());
	PlanCache cache;
	if (!cache.solveBuffer(system, system.policy, 0))
		std::abort();
	for (auto _ : state) {
		auto r = cache.solveBuffer(system, system.policy, 0);
		benchmark::DoNotOptimize(r);
	}
}
BENCHMARK(BM_SingleBufferCached);

// The same request on an immutable SystemSnapshot with its own policy: the key is the snapshot's
// id and the buffer index, so a hit reads nothing of the system (issue 6's 200 ns row).
void BM_SingleBufferCachedSnapshot(benchmark::State &state)
{
	const SystemSnapshot snapshot(load(bench::singleBufferSystem()));
	PlanCache cache;
	if (!cache.solveBuffer(snapshot, 0))
		std::abort();
	for (auto _ : state) {
		auto r = cache.solveBuffer(snapshot, 0);
		benchmark::DoNotOptimize(r);
	}
}
BENCHMARK(BM_SingleBufferCachedSnapshot);

// Building the canonical key a hit builds (KeyDetail::Plan), alone: the part of a hit that grows
// with what the request names.
void BM_CanonicalRequest(benchmark::State &state)
{
	const System system = load(bench::singleBufferSystem());
	std::string key;
	for (auto _ : state) {
		canonicalRequest(system, system.policy, 0, KeyDetail::Plan, key);
		benchmark::DoNotOptimize(key);
	}
	state.counters["key_bytes"] = static_cast<double>(key.size());
	state.counters["full_key_bytes"] = static_cast<double>(canonicalRequest(system, system.policy, 0).size());
}
BENCHMARK(BM_CanonicalRequest);

// Every buffer of a generated system, already loaded.
void BM_SolveSystem(benchmark::State &state)
{
	const size_t buffers = static_cast<size_t>(state.range(0));
	const System system = load(bench::generateSystem(buffers, 1));
	for (auto _ : state) {
		auto r = solve(system, system.policy);
		benchmark::DoNotOptimize(r);
	}
	state.counters["buffers"] = static_cast<double>(buffers);
}
BENCHMARK(BM_SolveSystem)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// Parse the YAML text, then solve every buffer: what `heapsolve check` does after reading files.
void BM_LoadAndSolveSystem(benchmark::State &state)
{
	const size_t buffers = static_cast<size_t>(state.range(0));
	const auto files = bench::generateSystem(buffers, 1);
	for (auto _ : state) {
		auto system = loadSystem(files);
		auto r = solve(*system, system->policy);
		benchmark::DoNotOptimize(r);
	}
	state.counters["buffers"] = static_cast<double>(buffers);
}
BENCHMARK(BM_LoadAndSolveSystem)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

} // namespace
