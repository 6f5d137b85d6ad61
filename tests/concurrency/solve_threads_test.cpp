// SPDX-License-Identifier: Apache-2.0
// The library from 8 threads at once (scripts/test runs this under TSan: --config=tsan).
// - load + solve + JSON of every example, concurrently, on shared and on per-thread Systems: every
//   answer is byte-identical to the single-threaded one (no hidden static state, no race).
// - allocatePlan() from 8 threads through one Adapters: every buffer is accounted for (each
//   allocation is counted by the adapter, each close by the fd count coming back).
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cli/json.h"
#include "heapsolve/allocate.h"
#include "heapsolve/loader.h"
#include "heapsolve/solver.h"
#include "tests/adapters/test_util.h"

namespace heapsolve {
namespace {

constexpr size_t kThreads = 8;

std::vector<std::vector<std::string>> exampleFiles()
{
	std::vector<std::filesystem::path> dirs;
	for (const auto &e : std::filesystem::directory_iterator("examples"))
		if (e.is_directory())
			dirs.push_back(e.path());
	std::sort(dirs.begin(), dirs.end());
	std::vector<std::vector<std::string>> out;
	for (const auto &d : dirs)
		out.push_back({ (d / "board.yaml").string(), (d / "devices.yaml").string(), (d / "pipeline.yaml").string() });
	return out;
}

std::string answer(const System &s)
{
	auto solution = solve(s, s.policy);
	return solution ? cli::solutionToJson(*solution) : "error: " + solution.error().message();
}

template<typename F>
void inThreads(F &&body)
{
	std::atomic<bool> go{ false };
	std::vector<std::thread> threads;
	for (size_t t = 0; t < kThreads; ++t)
		threads.emplace_back([&, t] {
			while (!go.load())
				std::this_thread::yield();
			body(t);
		});
	go.store(true);
	for (std::thread &th : threads)
		th.join();
}

TEST(SolveThreads, EightThreadsGiveTheSingleThreadedAnswer)
{
	const auto files = exampleFiles();
	ASSERT_GE(files.size(), 6u);
	std::vector<System> shared;
	std::vector<std::string> expected;
	for (const auto &f : files) {
		auto s = loadSystemFromPaths(f);
		ASSERT_TRUE(s) << s.error().message();
		expected.push_back(answer(*s));
		shared.push_back(std::move(*s));
	}
	constexpr size_t kRounds = 5;
	std::atomic<size_t> done{ 0 }, wrong{ 0 };
	inThreads([&](size_t t) {
		for (size_t round = 0; round < kRounds; ++round)
			for (size_t i = 0; i < files.size(); ++i) {
				const size_t k = (i + t) % files.size(); // threads start on different systems
				// Half the time the shared System, half a private load of the same files.
				if ((round + t) % 2 == 0) {
					if (answer(shared[k]) != expected[k])
						wrong.fetch_add(1);
				} else {
					auto s = loadSystemFromPaths(files[k]);
					if (!s || answer(*s) != expected[k])
						wrong.fetch_add(1);
				}
				done.fetch_add(1);
			}
	});
	EXPECT_EQ(wrong.load(), 0u);
	EXPECT_EQ(done.load(), kThreads * kRounds * files.size());
}

// A thread-safe adapter handing out memfds, counting what it hands out.
class CountingAdapter final : public Adapter
{
public:
	Backend backend() const override { return Backend::DmaHeap; }
	Result<Offer> probe() override { return Offer{}; }
	Result<DmaBuf> allocate(const Plan &plan, const HeapChoice &heap) override
	{
		// Every third call on the first heap is "full": fallback runs concurrently too.
		if (heap.name == "first" && calls_.fetch_add(1) % 3 == 0)
			return std::unexpected(Error(SystemError{ "ioctl FAKE_ALLOC", "/fake/first", ENOMEM, {} }));
		DmaBuf b;
		b.fd = UniqueFd(memfd_create("counting", MFD_CLOEXEC));
		if (!b.fd.isValid())
			return std::unexpected(Error(SystemError{ "memfd_create", "", errno, {} }));
		b.size = plan.size;
		b.heap = heap.name;
		b.exporter = "fake";
		handedOut.fetch_add(1);
		return b;
	}

	std::atomic<uint64_t> handedOut{ 0 };

private:
	std::atomic<uint64_t> calls_{ 0 };
};

TEST(AllocateThreads, EveryBufferIsAccountedFor)
{
	auto *counting = new CountingAdapter;
	const Adapters adapters(std::unique_ptr<Adapter>(counting), nullptr, nullptr);
	Plan plan;
	plan.buffer = "frames";
	plan.heap = { "first", Backend::DmaHeap, "/fake/first" };
	plan.others = { { "second", Backend::DmaHeap, "/fake/second" } };
	plan.count = 3;
	plan.size = 4096;
	const size_t fdsBefore = test::openFdCount();
	constexpr size_t kRounds = 200;
	std::atomic<uint64_t> received{ 0 }, failed{ 0 }, fromSecond{ 0 };
	inThreads([&](size_t) {
		for (size_t round = 0; round < kRounds; ++round) {
			auto a = allocatePlan(plan, adapters);
			if (!a || a->buffers.size() != plan.count) {
				failed.fetch_add(1);
				continue;
			}
			for (const DmaBuf &b : a->buffers)
				if (b.fd.isValid())
					received.fetch_add(1);
			if (a->heap.name == "second")
				fromSecond.fetch_add(1);
		} // each Allocation closes its fds here
	});
	EXPECT_EQ(failed.load(), 0u);
	EXPECT_EQ(received.load(), kThreads * kRounds * plan.count);
	// Buffers handed out by a heap that refused part-way were released by allocatePlan, so the
	// adapter may have handed out more than the callers received; every one of them is closed.
	EXPECT_GE(counting->handedOut.load(), received.load());
	EXPECT_GT(fromSecond.load(), 0u);
	EXPECT_EQ(test::openFdCount(), fdsBefore);
}

} // namespace
} // namespace heapsolve
