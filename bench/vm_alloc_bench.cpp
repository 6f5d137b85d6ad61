// SPDX-License-Identifier: Apache-2.0
// Issue 6's allocation ratio: one buffer through heapsolve against the bare
// DMA_HEAP_IOCTL_ALLOC, in the same run, on each DMA-BUF heap of a real kernel (tests/vm/bench.sh
// boots it under qemu and runs this as root). For each heap and size (4 KiB, 1 MiB):
//   raw/<heap>/<size>        the heap node opened once; per iteration ioctl + close(dma-buf)
//   heapsolve/<heap>/<size>  what a pool does per buffer: the Plan solved once before the loop,
//                            one Adapters for the pool's life, per iteration allocatePlan() with
//                            count 1, then the Allocation (and so the dma-buf) released
//   pair/<heap>/<size>       both, alternating every few milliseconds (ABBA), with the medians
//                            and the ratio as counters: what bench/compare.py decides on
//   control/system/<size>    the same with raw against raw: the method's own bias
//   adapter/system/<size>    the same with the dma-heap adapter called directly (no allocatePlan,
//                            no Allocation): what a one-buffer API without the Allocation could
//                            reach; for information
// Run with --benchmark_repetitions=N --benchmark_enable_random_interleaving=true, so that the
// repetitions of both paths alternate in one run and share whatever the host is doing.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/dma-heap.h>
#include <optional>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

#include "heapsolve/allocate.h"
#include "heapsolve/loader.h"
#include "heapsolve/solver.h"
#include "heapsolve/unique_fd.h"

namespace {

using namespace heapsolve;

// One buffer of `bytes` bytes (R8, one line) that the CPU writes and a GPU behind an IOMMU reads,
// on a machine with one heap: the solver has nothing to choose, so the Plan names `heap` and the
// size exactly.
std::vector<InputFile> systemFor(const std::string &heap, uint64_t bytes)
{
	const std::string yaml = "version: 1\n"
				 "memory:\n"
				 "  - {base: 0x0, size: 512MiB}\n"
				 "heaps:\n"
				 "  - name: " +
				 heap + "\n"
					"    backend: dma-heap\n"
					"devices:\n"
					"  - name: cpu\n"
					"    kind: cpu\n"
					"  - name: gpu\n"
					"    kind: render\n"
					"    iommu: true\n"
					"buffers:\n"
					"  - name: bench\n"
					"    format: R8\n"
					"    width: " +
				 std::to_string(bytes) + "\n"
							 "    height: 1\n"
							 "    count: 1\n"
							 "    producer: cpu\n"
							 "    consumers: [gpu]\n";
	return { InputFile{ "vm_alloc_bench.yaml", yaml } };
}

// One iteration of each path, out of line so that a callgrind profile counts their instructions
// per call (tests/vm/bench.sh, HEAPSOLVE_VM_CALLGRIND=1).
[[gnu::noinline]] bool rawOne(int heap, uint64_t bytes)
{
	dma_heap_allocation_data data{};
	data.len = bytes;
	data.fd_flags = O_RDWR | O_CLOEXEC;
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) < 0)
		return false;
	close(static_cast<int>(data.fd));
	return true;
}

[[gnu::noinline]] bool adapterOne(Adapter &adapter, const Plan &plan)
{
	auto buffer = adapter.allocate(plan, plan.heap);
	if (!buffer)
		return false;
	benchmark::DoNotOptimize(buffer->fd.get());
	return true;
}

[[gnu::noinline]] Result<void> heapsolveOne(const Plan &plan, const Adapters &adapters)
{
	auto allocation = allocatePlan(plan, adapters);
	HEAPSOLVE_TRY(allocation);
	benchmark::DoNotOptimize(allocation->buffers.front().fd.get());
	return {};
}

void rawAlloc(benchmark::State &state, std::string path, uint64_t bytes)
{
	UniqueFd heap(open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!heap.isValid()) {
		state.SkipWithError(("open " + path + ": " + std::strerror(errno)).c_str());
		return;
	}
	for (auto _ : state) {
		if (!rawOne(heap.get(), bytes)) {
			state.SkipWithError(("DMA_HEAP_IOCTL_ALLOC: " + std::string(std::strerror(errno))).c_str());
			break;
		}
	}
	state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

// The Plan of systemFor(heap, bytes), solved; nullopt (and the benchmark skipped) on any surprise.
std::optional<Plan> solvedPlan(benchmark::State &state, const std::string &heap, uint64_t bytes)
{
	auto system = loadSystem(systemFor(heap, bytes));
	if (!system) {
		state.SkipWithError(system.error().message().c_str());
		return std::nullopt;
	}
	auto solved = solveBuffer(*system, system->policy, 0);
	if (!solved || !solved->ok()) {
		state.SkipWithError(solved ? "the bench buffer did not solve" : solved.error().message().c_str());
		return std::nullopt;
	}
	const Plan &plan = solved->plan();
	if (plan.size != bytes || plan.count != 1 || plan.heap.name != heap) {
		state.SkipWithError(("the plan asks for " + std::to_string(plan.count) + " x " +
				     std::to_string(plan.size) + " bytes from " + plan.heap.name)
					    .c_str());
		return std::nullopt;
	}
	return plan;
}

void heapsolveAlloc(benchmark::State &state, std::string heap, uint64_t bytes)
{
	const std::optional<Plan> solved = solvedPlan(state, heap, bytes);
	if (!solved)
		return;
	const Plan &plan = *solved;
	const Adapters adapters = Adapters::forMachine(std::nullopt);
	for (auto _ : state) {
		if (auto one = heapsolveOne(plan, adapters); !one) {
			state.SkipWithError(one.error().message().c_str());
			break;
		}
	}
	state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	return v.empty() ? 0 : (v[(v.size() - 1) / 2] + v[v.size() / 2]) / 2;
}

// Both paths in one benchmark, alternating every `chunk` allocations (ABBA: the order flips every
// pair, so a drift of the host or of the heap's state favours neither). One benchmark iteration
// is one pair of chunks. Counters, for this repetition: raw_ns and heapsolve_ns (per allocation,
// median over the pairs) and ratio (median over the pairs of heapsolve / raw).
// What the second path of a pair is: heapsolve's allocatePlan(), the raw ioctl again (an A/A
// run: its ratio is the method's own bias, which should be 1), or the dma-heap adapter alone.
enum class Second { Heapsolve,
		    Control,
		    Adapter };

void pairedAlloc(benchmark::State &state, std::string path, std::string heap, uint64_t bytes, int chunk, Second second)
{
	const std::optional<Plan> solved = solvedPlan(state, heap, bytes);
	if (!solved)
		return;
	const Plan &plan = *solved;
	const Adapters adapters = Adapters::forMachine(std::nullopt);
	Adapter *adapter = adapters.find(Backend::DmaHeap);
	UniqueFd heapFd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!heapFd.isValid()) {
		state.SkipWithError(("open " + path + ": " + std::strerror(errno)).c_str());
		return;
	}
	using Clock = std::chrono::steady_clock;
	auto timeRaw = [&]() -> double {
		const auto start = Clock::now();
		for (int i = 0; i < chunk; ++i)
			if (!rawOne(heapFd.get(), bytes))
				return -1;
		return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / chunk;
	};
	auto timeHeapsolve = [&]() -> double {
		const auto start = Clock::now();
		for (int i = 0; i < chunk; ++i)
			if (!(second == Second::Control ? rawOne(heapFd.get(), bytes) : second == Second::Adapter ? adapterOne(*adapter, plan)
														  : static_cast<bool>(heapsolveOne(plan, adapters))))
				return -1;
		return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / chunk;
	};
	std::vector<double> raw, hs, ratio;
	bool rawFirst = true;
	for (auto _ : state) {
		double r, h;
		if (rawFirst) {
			r = timeRaw();
			h = timeHeapsolve();
		} else {
			h = timeHeapsolve();
			r = timeRaw();
		}
		rawFirst = !rawFirst;
		if (r < 0 || h < 0) {
			state.SkipWithError("an allocation failed");
			return;
		}
		raw.push_back(r);
		hs.push_back(h);
		ratio.push_back(h / r);
	}
	state.counters["raw_ns"] = median(raw);
	state.counters["heapsolve_ns"] = median(hs);
	state.counters["ratio"] = median(ratio);
	state.counters["chunk"] = chunk;
}

} // namespace

int main(int argc, char **argv)
{
	// The heaps to measure: system always, the default CMA area's heap under any of its names.
	const std::string dir = "/dev/dma_heap";
	std::vector<std::string> heaps;
	for (const char *name : { "system", "reserved", "linux,cma", "default_cma_region" })
		if (access((dir + "/" + name).c_str(), F_OK) == 0)
			heaps.push_back(name);
	if (heaps.empty()) {
		std::fprintf(stderr, "vm_alloc_bench: no heap under %s\n", dir.c_str());
		return 77;
	}
	for (const std::string &heap : heaps) {
		for (uint64_t bytes : { uint64_t(4) << 10, uint64_t(1) << 20 }) {
			const std::string suffix = heap + "/" + std::to_string(bytes);
			benchmark::RegisterBenchmark(("raw/" + suffix).c_str(), rawAlloc, dir + "/" + heap, bytes)
				->Unit(benchmark::kMicrosecond);
			benchmark::RegisterBenchmark(("heapsolve/" + suffix).c_str(), heapsolveAlloc, heap, bytes)
				->Unit(benchmark::kMicrosecond);
			// About 4 ms of each path per chunk under TCG (4 KiB: ~17 us, 1 MiB: ~0.3 ms on
			// the system heap; CMA is slower), 20 pairs per repetition.
			const int chunk = bytes <= 4096 ? 200 : 12;
			benchmark::RegisterBenchmark(("pair/" + suffix).c_str(), pairedAlloc, dir + "/" + heap, heap, bytes, chunk,
						     Second::Heapsolve)
				->Iterations(20)
				->Unit(benchmark::kMillisecond);
			if (heap != "system")
				continue;
			for (auto [name, second] : { std::pair{ "control/", Second::Control }, std::pair{ "adapter/", Second::Adapter } })
				benchmark::RegisterBenchmark((name + suffix).c_str(), pairedAlloc, dir + "/" + heap, heap, bytes, chunk,
							     second)
					->Iterations(20)
					->Unit(benchmark::kMillisecond);
		}
	}
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
