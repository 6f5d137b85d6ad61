// SPDX-License-Identifier: Apache-2.0
// The plan cache answers exactly what an uncached solve answers, stays within its bound, never
// lets two different requests share an entry, and stays right under concurrent use, whether it
// is asked by content (a System) or by identity (a SystemSnapshot).
#include "heapsolve/plan_cache.h"

#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "heapsolve/loader.h"
#include "heapsolve/solver.h"
#include "tests/solver/test_system.h"

namespace heapsolve {
namespace {

using testing::loadOk;

// Every field of a result, in words, so that two results compare byte for byte.
std::string dump(const BufferResult &r)
{
	std::string out = "name=" + r.name + "\n";
	auto culprits = [&](const char *what, const std::vector<Culprit> &cs) {
		for (const Culprit &c : cs)
			out += std::string(what) + " " + c.user + " " + std::string(ruleName(c.rule)) + " " + c.detail + " @" +
			       c.at.position() + "\n";
	};
	if (r.ok()) {
		const Plan &p = r.plan();
		out += "plan " + p.buffer + " heap=" + p.heap.name + ":" + p.heap.path + " format=" + p.format +
		       " modifier=" + p.modifier + " " + std::to_string(p.width) + "x" + std::to_string(p.height) + " count=" +
		       std::to_string(p.count) + " size=" + std::to_string(p.size) + "\n";
		for (const HeapChoice &h : p.others)
			out += "other " + h.name + ":" + h.path + "\n";
		for (const PlaneLayout &l : p.planes)
			out += "plane " + std::to_string(l.offset) + "/" + std::to_string(l.stride) + "\n";
		for (const std::string &a : p.adjustments)
			out += "adjusted " + a + "\n";
		return out;
	}
	const Conflict &c = r.conflict();
	culprits("culprit", c.culprits);
	culprits("minimal", c.minimal);
	out += "suggestion " + c.suggestion.value_or("-") + "\n";
	for (const SplitGroup &g : c.split) {
		out += "split " + g.heap;
		for (const std::string &u : g.users)
			out += " " + u;
		out += "\n";
	}
	for (const std::string &e : c.explanation)
		out += "explanation " + e + "\n";
	return out;
}

std::string dump(const Result<PlanCache::Answer> &r)
{
	return r ? dump(**r) : "error " + r.error().message();
}

// Solvable and unsatisfiable buffers over devices with windows, planes and an IOMMU.
const std::string kSystem = R"(
memory:
  - {base: 0x40000000, size: 2GiB}
heaps:
  - name: system
    backend: dma-heap
  - name: cma
    backend: dma-heap
    contiguous: true
    regions: [{base: 0x40000000, size: 256MiB}]
  - name: uncached
    backend: dma-heap
    cached: false
devices:
  - name: vpu
    kind: codec
    address: [{base: 0x40000000, size: 1GiB}]
    contiguous: true
    align: {stride: 64, height: 16}
    formats: [NV12, YUV420]
  - name: gpu
    kind: render
    iommu: true
    modifiers: [TILED, LINEAR]
  - name: display
    kind: display
    contiguous: true
    planes:
      - name: primary
        formats: [XRGB8888]
      - name: video
        formats: [NV12]
  - name: camera
    kind: camera
    iommu: true
    cache: uncached
  - name: cpu
    kind: cpu
    iommu: true
    cache: cached
buffers:
  - name: decoded
    format: NV12
    width: 1920
    height: 1080
    count: 4
    producer: vpu
    consumers: [gpu, display/video]
  - name: scanout
    format: XRGB8888
    width: 1920
    height: 1080
    count: 3
    producer: gpu
    consumers: [display/primary]
  - name: preview
    format: NV12
    width: 1280
    height: 720
    producer: camera
    consumers: [cpu]
  - name: texture
    format: ARGB8888
    width: 1024
    height: 1024
    producer: cpu
    consumers: [gpu]
  - name: anyplane
    format: NV12
    width: 640
    height: 480
    producer: vpu
    consumers: [display]
)";

// What an uncached solve answers for each buffer under `policy` (by default the system's own).
std::vector<std::string> uncached(const System &sys, const Policy &policy)
{
	auto solution = solve(sys, policy);
	EXPECT_TRUE(solution) << solution.error().message();
	std::vector<std::string> out;
	if (solution)
		for (const BufferResult &b : solution->buffers)
			out.push_back(dump(b));
	return out;
}

std::vector<std::string> uncached(const System &sys)
{
	return uncached(sys, sys.policy);
}

TEST(PlanCache, SameAnswerAsUncachedOnMissAndHit)
{
	const System sys = loadOk(kSystem);
	const std::vector<std::string> expected = uncached(sys);
	ASSERT_EQ(expected.size(), 5u);
	// The system has both kinds of answer, so both are checked.
	EXPECT_NE(expected[0].find("plan decoded"), std::string::npos);
	EXPECT_NE(expected[2].find("minimal camera cache"), std::string::npos);

	PlanCache cache;
	for (int round = 0; round < 2; ++round)
		for (size_t b = 0; b < expected.size(); ++b)
			EXPECT_EQ(dump(cache.solveBuffer(sys, sys.policy, b)), expected[b]) << "round " << round;
	EXPECT_EQ(cache.stats().misses, 5u);
	EXPECT_EQ(cache.stats().hits, 5u);
	EXPECT_EQ(cache.size(), 5u);
}

TEST(PlanCache, ErrorsAreTheSolversAndNotCached)
{
	const System sys = loadOk(R"(
heaps:
  - name: system
    backend: dma-heap
devices:
  - name: cpu
    kind: cpu
    align: {stride: 0x8000000000000000}
buffers:
  - name: huge
    format: XRGB8888
    width: 0x4000000000000000
    height: 1
    producer: cpu
)");
	auto plain = solve(sys, sys.policy);
	ASSERT_FALSE(plain);
	PlanCache cache;
	EXPECT_EQ(dump(cache.solveBuffer(sys, sys.policy, 0)), "error " + plain.error().message());
	EXPECT_EQ(cache.size(), 0u);

	const SystemSnapshot snap(System{ sys });
	for (int round = 0; round < 2; ++round)
		EXPECT_EQ(dump(cache.solveBuffer(snap, 0)), "error " + plain.error().message());
	EXPECT_EQ(cache.size(), 0u);
	EXPECT_EQ(cache.stats().hits, 0u);
}

TEST(PlanCache, EvictsLeastRecentlyUsedAtTheBound)
{
	const System sys = loadOk(kSystem);
	const std::vector<std::string> expected = uncached(sys);
	PlanCache cache(2, 1);
	EXPECT_EQ(cache.capacity(), 2u);
	cache.solveBuffer(sys, sys.policy, 0); // miss: [0]
	cache.solveBuffer(sys, sys.policy, 1); // miss: [1, 0]
	cache.solveBuffer(sys, sys.policy, 0); // hit:  [0, 1]
	cache.solveBuffer(sys, sys.policy, 3); // miss, evicts 1: [3, 0]
	EXPECT_EQ(cache.size(), 2u);
	EXPECT_EQ(cache.stats().evictions, 1u);
	EXPECT_EQ(cache.stats().hits, 1u);
	EXPECT_EQ(cache.stats().misses, 3u);

	EXPECT_EQ(dump(cache.solveBuffer(sys, sys.policy, 0)), expected[0]); // hit
	EXPECT_EQ(cache.stats().hits, 2u);
	EXPECT_EQ(dump(cache.solveBuffer(sys, sys.policy, 1)), expected[1]); // evicted: solved again
	EXPECT_EQ(cache.stats().misses, 4u);
	EXPECT_EQ(cache.size(), 2u);
}

TEST(PlanCache, ShardsNeverExceedTheCapacity)
{
	const System sys = loadOk(kSystem);
	PlanCache cache(3, 8);
	EXPECT_LE(cache.capacity(), 3u);
	for (size_t b = 0; b < sys.buffers.size(); ++b)
		cache.solveBuffer(sys, sys.policy, b);
	EXPECT_LE(cache.size(), 3u);
}

// Replaces the first occurrence of `from` (which must occur) in the test system.
std::string variant(std::string from, std::string to)
{
	std::string text = kSystem;
	const size_t at = text.find(from);
	EXPECT_NE(at, std::string::npos) << from;
	if (at != std::string::npos)
		text.replace(at, from.size(), to);
	return text;
}

TEST(PlanCache, DifferentSystemsNeverShareAnEntry)
{
	// Same buffer names and device names; each differs from the base in one thing the answer
	// depends on: a user's alignment, a heap's region, the heap list, a plane's formats, a
	// protection flag, where a value was written (conflicts and adjustments cite it).
	const std::vector<std::string> texts{
		kSystem,
		variant("align: {stride: 64, height: 16}", "align: {stride: 256, height: 16}"),
		variant("{base: 0x40000000, size: 256MiB}", "{base: 0x40000000, size: 8MiB}"),
		variant("  - name: uncached\n    backend: dma-heap\n    cached: false\n", ""),
		variant("        formats: [NV12]", "        formats: [NV12, NV21]"),
		variant("    iommu: true\n    modifiers", "    iommu: false\n    modifiers"),
		"\n" + kSystem,
	};
	std::vector<System> systems;
	for (const std::string &t : texts)
		systems.push_back(loadOk(t));

	PlanCache cache;
	for (int round = 0; round < 2; ++round)
		for (const System &sys : systems) {
			const std::vector<std::string> expected = uncached(sys);
			for (size_t b = 0; b < sys.buffers.size(); ++b)
				EXPECT_EQ(dump(cache.solveBuffer(sys, sys.policy, b)), expected[b]);
		}
	// Buffer `decoded` uses vpu, gpu and display, so each change reaches its request: seven
	// distinct keys. (Buffers a change does not reach keep their key and rightly share an entry.)
	std::set<std::string> keys;
	for (const System &sys : systems)
		keys.insert(canonicalRequest(sys, sys.policy, 0));
	EXPECT_EQ(keys.size(), systems.size());
}

TEST(PlanCache, SeesAChangeInTheSameSystemObject)
{
	System sys = loadOk(kSystem);
	PlanCache cache;
	const std::string before = dump(cache.solveBuffer(sys, sys.policy, 0));
	sys.devices[0].rules.alignStride->value = 4096;
	const std::string after = dump(cache.solveBuffer(sys, sys.policy, 0));
	EXPECT_NE(before, after);
	EXPECT_EQ(after, uncached(sys)[0]);

	// The policy given, not the system's, is part of the request.
	Policy forbid;
	forbid.forbidBackends.push_back({ Backend::DmaHeap, {}, true });
	EXPECT_EQ(dump(cache.solveBuffer(sys, forbid, 0)), dump(*solve(sys, forbid)->buffers.begin()));
	EXPECT_NE(dump(cache.solveBuffer(sys, forbid, 0)), after);
}

TEST(PlanCache, ConflictSuggestionFollowsDeviceNamesOutsideTheBuffer)
{
	// The suggested pool is named after the buffer and avoids every device name, including
	// devices that do not use the buffer.
	const std::string text = R"(
memory:
  - {base: 0x40000000, size: 1GiB}
heaps:
  - name: system
    backend: dma-heap
devices:
  - name: vpu
    kind: codec
    contiguous: true
  - name: other
    kind: other
buffers:
  - name: frame
    format: NV12
    width: 64
    height: 64
    producer: vpu
)";
	const System a = loadOk(text);
	std::string renamed = text;
	renamed.replace(renamed.find("name: other"), 11, "name: frame-pool");
	const System b = loadOk(renamed);

	PlanCache cache;
	const std::string expectedA = uncached(a)[0];
	const std::string expectedB = uncached(b)[0];
	ASSERT_NE(expectedA, expectedB);
	EXPECT_NE(expectedB.find("frame-pool-new"), std::string::npos);
	for (int round = 0; round < 2; ++round) {
		EXPECT_EQ(dump(cache.solveBuffer(a, a.policy, 0)), expectedA);
		EXPECT_EQ(dump(cache.solveBuffer(b, b.policy, 0)), expectedB);
	}
}

TEST(PlanCache, EightThreadsAlwaysGetTheirOwnPlan)
{
	// Two systems that share buffer names but not answers, a cache small enough to evict all the
	// time, and eight threads asking in different orders.
	const std::vector<System> systems{ loadOk(kSystem),
					   loadOk(variant("align: {stride: 64, height: 16}", "align: {stride: 512, height: 64}")) };
	std::vector<std::vector<std::string>> expected;
	for (const System &s : systems)
		expected.push_back(uncached(s));
	ASSERT_NE(expected[0][0], expected[1][0]);

	PlanCache cache(4, 2);
	std::vector<int> wrong(8, 0);
	std::vector<std::thread> threads;
	for (int t = 0; t < 8; ++t)
		threads.emplace_back([&, t] {
			for (int i = 0; i < 300; ++i) {
				const size_t s = static_cast<size_t>((i + t) % 2);
				const size_t b = static_cast<size_t>((i * (t + 1) + t) % 5);
				if (dump(cache.solveBuffer(systems[s], systems[s].policy, b)) != expected[s][b])
					++wrong[t];
			}
		});
	for (std::thread &th : threads)
		th.join();
	for (int t = 0; t < 8; ++t)
		EXPECT_EQ(wrong[t], 0) << "thread " << t;
	const PlanCache::Stats st = cache.stats();
	EXPECT_EQ(st.hits + st.misses, 8u * 300u);
	EXPECT_LE(cache.size(), 4u);
}

TEST(PlanCacheSnapshot, SameAnswerAsUncachedOnMissAndHit)
{
	const SystemSnapshot snap(loadOk(kSystem));
	const std::vector<std::string> expected = uncached(*snap);
	ASSERT_EQ(expected.size(), 5u);
	EXPECT_NE(expected[0].find("plan decoded"), std::string::npos);
	EXPECT_NE(expected[2].find("minimal camera cache"), std::string::npos);

	PlanCache cache;
	for (int round = 0; round < 2; ++round)
		for (size_t b = 0; b < expected.size(); ++b) {
			EXPECT_EQ(dump(cache.solveBuffer(snap, b)), expected[b]) << "round " << round;
			// The snapshot's own policy, passed explicitly (also through a copy): the same entry.
			const SystemSnapshot copy = snap;
			EXPECT_EQ(dump(cache.solveBuffer(copy, copy.policy(), b)), expected[b]) << "round " << round;
		}
	EXPECT_EQ(cache.stats().misses, 5u);
	EXPECT_EQ(cache.stats().hits, 15u);
	EXPECT_EQ(cache.size(), 5u);
}

TEST(PlanCacheSnapshot, HitIsTheSharedAnswerOfTheMiss)
{
	const SystemSnapshot snap(loadOk(kSystem));
	PlanCache cache;
	auto first = cache.solveBuffer(snap, 2);
	auto second = cache.solveBuffer(snap, 2);
	ASSERT_TRUE(first && second);
	EXPECT_EQ(first->get(), second->get());
	EXPECT_FALSE((*second)->ok()); // a conflict, explanation included, comes back whole too
	EXPECT_EQ(dump(**second), uncached(*snap)[2]);
}

TEST(PlanCacheSnapshot, EqualContentDistinctIdsEqualAnswers)
{
	const SystemSnapshot a(loadOk(kSystem));
	const SystemSnapshot b(loadOk(kSystem));
	EXPECT_NE(a.id(), b.id());
	const SystemSnapshot copyOfA = a;
	EXPECT_EQ(copyOfA.id(), a.id());

	const std::vector<std::string> expected = uncached(*a);
	ASSERT_EQ(expected, uncached(*b));
	PlanCache cache;
	for (int round = 0; round < 2; ++round)
		for (size_t i = 0; i < expected.size(); ++i) {
			EXPECT_EQ(dump(cache.solveBuffer(a, i)), expected[i]);
			EXPECT_EQ(dump(cache.solveBuffer(b, i)), expected[i]);
			EXPECT_EQ(dump(cache.solveBuffer(copyOfA, i)), expected[i]);
		}
	// Identity, not content: each snapshot has its own entries; the copy shares its source's.
	EXPECT_EQ(cache.stats().misses, 2 * expected.size());
	EXPECT_EQ(cache.size(), 2 * expected.size());
}

TEST(PlanCacheSnapshot, AChangedSystemIsANewSnapshotWithTheNewAnswer)
{
	System sys = loadOk(kSystem);
	const SystemSnapshot before(System{ sys });
	sys.devices[0].rules.alignStride->value = 4096;
	const SystemSnapshot after(std::move(sys));
	PlanCache cache;
	const std::string a = dump(cache.solveBuffer(before, 0));
	const std::string b = dump(cache.solveBuffer(after, 0));
	EXPECT_NE(a, b);
	EXPECT_EQ(a, uncached(*before)[0]);
	EXPECT_EQ(b, uncached(*after)[0]);
	EXPECT_EQ(dump(cache.solveBuffer(before, 0)), a);
}

TEST(PlanCacheSnapshot, APolicyNeverGetsAnotherPolicysAnswer)
{
	const SystemSnapshot snap(loadOk(kSystem));
	Policy forbid;
	forbid.forbidBackends.push_back({ Backend::DmaHeap, { "p.yaml", 2, 3 }, true });
	Policy prefer;
	prefer.prefer.push_back({ "cma", { "p.yaml", 2, 3 }, true });
	Policy preferElsewhere = prefer; // same values, written elsewhere
	preferElsewhere.prefer[0].at = { "q.yaml", 7, 1 };
	const Policy empty; // the same content as the system's own (none), but another object
	const std::vector<const Policy *> policies{ &snap.policy(), &forbid, &prefer, &preferElsewhere, &empty };

	std::vector<std::vector<std::string>> expected;
	for (const Policy *p : policies)
		expected.push_back(uncached(*snap, *p));
	// The policies really change answers, so a shared entry would show.
	ASSERT_NE(expected[0], expected[1]);
	ASSERT_NE(expected[0], expected[2]);
	ASSERT_NE(expected[1], expected[2]);

	PlanCache cache;
	for (int round = 0; round < 2; ++round)
		for (size_t b = 0; b < snap->buffers.size(); ++b)
			for (size_t p = 0; p < policies.size(); ++p)
				EXPECT_EQ(dump(cache.solveBuffer(snap, *policies[p], b)), expected[p][b])
					<< "round " << round << " policy " << p << " buffer " << b;
	// Every policy object is its own entry, even those with equal values.
	EXPECT_EQ(cache.stats().misses, policies.size() * snap->buffers.size());
}

TEST(PlanCacheSnapshot, EvictionAtTheBoundCountsBothKinds)
{
	System sys = loadOk(kSystem);
	const SystemSnapshot snap(System{ sys });
	const std::vector<std::string> expected = uncached(sys);
	PlanCache cache(2, 1);
	cache.solveBuffer(sys, sys.policy, 0); // content miss:  [c0]
	cache.solveBuffer(snap, 0);	       // identity miss: [i0, c0]
	EXPECT_EQ(cache.size(), 2u);
	EXPECT_EQ(cache.stats().evictions, 0u);
	cache.solveBuffer(snap, 1); // identity miss, evicts c0: [i1, i0]
	EXPECT_EQ(cache.size(), 2u);
	EXPECT_EQ(cache.stats().evictions, 1u);
	EXPECT_EQ(dump(cache.solveBuffer(snap, 0)), expected[0]); // hit: [i0, i1]
	EXPECT_EQ(cache.stats().hits, 1u);
	EXPECT_EQ(dump(cache.solveBuffer(sys, sys.policy, 0)), expected[0]); // evicted, evicts i1: [c0, i0]
	EXPECT_EQ(cache.stats().misses, 4u);
	EXPECT_EQ(cache.stats().evictions, 2u);
	EXPECT_EQ(dump(cache.solveBuffer(snap, 1)), expected[1]); // evicted, evicts i0: [i1, c0]
	EXPECT_EQ(cache.stats().misses, 5u);
	EXPECT_EQ(dump(cache.solveBuffer(sys, sys.policy, 0)), expected[0]); // hit
	EXPECT_EQ(cache.stats().hits, 2u);
	EXPECT_EQ(cache.size(), 2u);
}

TEST(PlanCacheSnapshot, ContentAndIdentityOfOneRequestAgree)
{
	// The two ways of asking never share an entry but always give the same answer.
	const SystemSnapshot snap(loadOk(kSystem));
	const std::vector<std::string> expected = uncached(*snap);
	PlanCache cache;
	for (int round = 0; round < 2; ++round)
		for (size_t b = 0; b < expected.size(); ++b) {
			EXPECT_EQ(dump(cache.solveBuffer(*snap, snap.policy(), b)), expected[b]);
			EXPECT_EQ(dump(cache.solveBuffer(snap, b)), expected[b]);
		}
	EXPECT_EQ(cache.stats().misses, 2 * expected.size());
	EXPECT_EQ(cache.stats().hits, 2 * expected.size());
}

} // namespace
} // namespace heapsolve
