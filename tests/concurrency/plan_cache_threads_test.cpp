// SPDX-License-Identifier: Apache-2.0
// The plan cache from 8 threads at once (run under TSan by scripts/test: `--config=tsan`). Every
// thread asks for every buffer of every example many times, in its own order, through a cache small
// enough to evict all the time; each answer must be byte-identical to a plain solve(), and every
// request must be accounted for: hits + misses = requests, one answer per request, none lost.
// A second test mixes lookups by content (System) and by identity (SystemSnapshot, with its own
// policy and with another) in one cache.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cli/json.h"
#include "heapsolve/loader.h"
#include "heapsolve/plan_cache.h"
#include "heapsolve/solver.h"

namespace heapsolve {
namespace {

struct Request {
	const System *system;
	size_t buffer;
	std::string expected; // check --json of the plain solve's answer for this buffer
};

std::string jsonOf(const BufferResult &r)
{
	Solution s;
	s.buffers.push_back(r);
	return cli::solutionToJson(s);
}

// Every system of examples/, in name order; a load error fails the calling test.
std::vector<System> loadExamples()
{
	std::vector<std::filesystem::path> dirs;
	for (const auto &e : std::filesystem::directory_iterator("examples"))
		if (e.is_directory())
			dirs.push_back(e.path());
	std::sort(dirs.begin(), dirs.end());
	std::vector<System> systems;
	for (const auto &d : dirs) {
		const std::vector<std::string> paths{ (d / "board.yaml").string(), (d / "devices.yaml").string(),
						      (d / "pipeline.yaml").string() };
		auto sys = loadSystemFromPaths(paths);
		if (!sys)
			ADD_FAILURE() << sys.error().message();
		else
			systems.push_back(std::move(*sys));
	}
	return systems;
}

// Starts `threads` threads together; each asks for every request index `rounds` times, in its own
// order (shuffled anew each round by a generator seeded with `seed` + thread), calling
// ask(thread, round, request) and, after each round, endRound(thread, round).
template<typename Ask, typename EndRound>
void race(size_t threads, size_t rounds, size_t requests, uint64_t seed, Ask &&ask, EndRound &&endRound)
{
	std::atomic<bool> go{ false };
	std::vector<std::thread> running;
	for (size_t t = 0; t < threads; ++t)
		running.emplace_back([&, t] {
			std::mt19937_64 rng(seed + t);
			std::vector<size_t> order(requests);
			for (size_t i = 0; i < order.size(); ++i)
				order[i] = i;
			while (!go.load())
				std::this_thread::yield();
			for (size_t round = 0; round < rounds; ++round) {
				std::shuffle(order.begin(), order.end(), rng);
				for (size_t i : order)
					ask(t, round, i);
				endRound(t, round);
			}
		});
	go.store(true);
	for (std::thread &th : running)
		th.join();
}

TEST(PlanCacheThreads, EightThreadsEveryAnswerRightAndAccountedFor)
{
	const std::vector<System> systems = loadExamples();
	ASSERT_FALSE(::testing::Test::HasFailure());
	std::vector<Request> requests;
	for (const System &s : systems) {
		auto solution = solve(s, s.policy);
		ASSERT_TRUE(solution) << solution.error().message();
		for (size_t b = 0; b < s.buffers.size(); ++b)
			requests.push_back({ &s, b, jsonOf(solution->buffers[b]) });
	}
	ASSERT_GE(requests.size(), 8u);

	constexpr size_t kThreads = 8;
	constexpr size_t kRounds = 60;
	// Two phases: with a clear() racing the lookups (it also resets the statistics, so only the
	// answers are counted), then without, where hits + misses must equal the requests.
	for (const bool withClears : { true, false }) {
		// Fewer entries than requests: lookups, inserts and evictions race all the time.
		PlanCache cache(requests.size() / 2, 4);
		std::atomic<uint64_t> answered{ 0 }, wrong{ 0 }, errors{ 0 };
		std::vector<std::vector<uint64_t>> perRequest(kThreads, std::vector<uint64_t>(requests.size()));
		race(
			kThreads, kRounds, requests.size(), 1,
			[&](size_t t, size_t, size_t i) {
				const Request &r = requests[i];
				auto answer = cache.solveBuffer(*r.system, r.system->policy, r.buffer);
				if (!answer) {
					errors.fetch_add(1);
					return;
				}
				if (jsonOf(**answer) != r.expected)
					wrong.fetch_add(1);
				perRequest[t][i]++;
				answered.fetch_add(1);
			},
			[&](size_t t, size_t round) {
				if (withClears && t == 0 && round % 20 == 19)
					cache.clear();
			});

		const uint64_t total = kThreads * kRounds * requests.size();
		EXPECT_EQ(errors.load(), 0u);
		EXPECT_EQ(wrong.load(), 0u);
		EXPECT_EQ(answered.load(), total);
		for (size_t t = 0; t < kThreads; ++t)
			for (size_t i = 0; i < requests.size(); ++i)
				EXPECT_EQ(perRequest[t][i], kRounds) << "thread " << t << " request " << i;
		EXPECT_LE(cache.size(), cache.capacity());
		if (!withClears) {
			const PlanCache::Stats stats = cache.stats();
			EXPECT_EQ(stats.hits + stats.misses, total);
			EXPECT_GT(stats.hits, 0u);
			EXPECT_GT(stats.evictions, 0u);
		}
	}
}

TEST(PlanCacheThreads, EightThreadsMixingSnapshotAndContentLookups)
{
	std::vector<SystemSnapshot> snapshots;
	for (System &s : loadExamples())
		snapshots.emplace_back(std::move(s));
	ASSERT_FALSE(::testing::Test::HasFailure());
	// Another policy than the systems' own: the examples allocate from dma-heaps only, so
	// forbidding them turns every plan into a conflict.
	Policy other;
	other.forbidBackends.push_back({ Backend::DmaHeap, {}, true });

	// One request per (snapshot, buffer, policy); each is asked three ways below.
	struct MixedRequest {
		const SystemSnapshot *snapshot;
		const Policy *policy; // nullptr: the snapshot's own
		size_t buffer;
		std::string expected;
	};
	const std::vector<const Policy *> policies{ nullptr, &other };
	std::vector<MixedRequest> requests;
	for (const Policy *p : policies) // all own-policy requests first, then the same with `other`
		for (const SystemSnapshot &s : snapshots) {
			auto solution = solve(*s, p ? *p : s.policy());
			ASSERT_TRUE(solution) << solution.error().message();
			for (size_t b = 0; b < s->buffers.size(); ++b)
				requests.push_back({ &s, p, b, jsonOf(solution->buffers[b]) });
		}
	ASSERT_GE(requests.size(), 8u);
	// The two policies' answers differ, so an answer given for the wrong policy would show.
	const size_t half = requests.size() / 2;
	size_t differ = 0;
	for (size_t i = 0; i < half; ++i)
		differ += requests[i].expected != requests[i + half].expected;
	EXPECT_GT(differ, 0u);

	constexpr size_t kThreads = 8;
	constexpr size_t kRounds = 30;
	// Each request has two keys (by content, by identity): twice the capacity, so evictions.
	PlanCache cache(requests.size(), 4);
	std::atomic<uint64_t> wrong{ 0 }, errors{ 0 };
	race(
		kThreads, kRounds, requests.size(), 100,
		[&](size_t t, size_t round, size_t i) {
			const MixedRequest &r = requests[i];
			const SystemSnapshot copy = *r.snapshot; // copies share id and system
			const Policy &policy = r.policy ? *r.policy : copy.policy();
			Result<PlanCache::Answer> answer;
			switch ((i + round + t) % 3) {
			case 0:
				answer = cache.solveBuffer(*copy, policy, r.buffer);
				break;
			case 1:
				answer = cache.solveBuffer(copy, policy, r.buffer);
				break;
			default:
				answer = r.policy ? cache.solveBuffer(*r.snapshot, *r.policy, r.buffer)
						  : cache.solveBuffer(*r.snapshot, r.buffer);
				break;
			}
			if (!answer)
				errors.fetch_add(1);
			else if (jsonOf(**answer) != r.expected)
				wrong.fetch_add(1);
		},
		[](size_t, size_t) {});

	EXPECT_EQ(errors.load(), 0u);
	EXPECT_EQ(wrong.load(), 0u);
	const PlanCache::Stats stats = cache.stats();
	EXPECT_EQ(stats.hits + stats.misses, kThreads * kRounds * requests.size());
	EXPECT_GT(stats.hits, 0u);
	EXPECT_GT(stats.evictions, 0u);
	EXPECT_LE(cache.size(), cache.capacity());
}

} // namespace
} // namespace heapsolve
