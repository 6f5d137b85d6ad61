// SPDX-License-Identifier: Apache-2.0
// Issue 6's allocation ratio: one buffer through heapsolve against the bare
// DMA_HEAP_IOCTL_ALLOC, in the same run, on each DMA-BUF heap of a real kernel (tests/vm/bench.sh
// boots it under qemu and runs this as root). For each heap and size (4 KiB, 1 MiB):
//   raw/<heap>/<size>        the heap node opened once; per iteration ioctl + close(dma-buf)
//   heapsolve/<heap>/<size>  what a pool does per buffer: the Plan solved once before the loop,
//                            one Adapters for the pool's life, per iteration allocatePlan() with
//                            count 1, then the Allocation (and so the dma-buf) released
// Run with --benchmark_repetitions=N --benchmark_enable_random_interleaving=true, so that the
// repetitions of both paths alternate in one run and share whatever the host is doing.
#include <benchmark/benchmark.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/dma-heap.h>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

#include "adapters/allocate.h"
#include "adapters/fd/unique_fd.h"
#include "constraints/yaml/loader.h"
#include "solver/solver.h"

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
				 "  - name: " + heap + "\n"
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
				 "    width: " + std::to_string(bytes) + "\n"
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

[[gnu::noinline]] Result<void> heapsolveOne(const Plan &plan, const Adapters &adapters)
{
	auto allocation = allocatePlan(plan, adapters);
	if (!allocation)
		return std::unexpected(std::move(allocation.error()));
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

void heapsolveAlloc(benchmark::State &state, std::string heap, uint64_t bytes)
{
	auto system = loadSystem(systemFor(heap, bytes));
	if (!system) {
		state.SkipWithError(system.error().message().c_str());
		return;
	}
	auto solved = solveBuffer(*system, system->policy, 0);
	if (!solved || !solved->ok()) {
		state.SkipWithError(solved ? "the bench buffer did not solve" : solved.error().message().c_str());
		return;
	}
	const Plan plan = solved->plan();
	if (plan.size != bytes || plan.count != 1) {
		state.SkipWithError(("the plan asks for " + std::to_string(plan.count) + " x " +
				     std::to_string(plan.size) + " bytes").c_str());
		return;
	}
	const Adapters adapters = Adapters::forMachine(std::nullopt);
	for (auto _ : state) {
		if (auto one = heapsolveOne(plan, adapters); !one) {
			state.SkipWithError(one.error().message().c_str());
			break;
		}
	}
	state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
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
		}
	}
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
