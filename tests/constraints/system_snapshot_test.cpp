// SPDX-License-Identifier: Apache-2.0
// A SystemSnapshot owns what was moved in, shares it with its copies and has an id no other
// snapshot has, copies and moves included.
#include "heapsolve/system_snapshot.h"

#include <set>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace heapsolve {
namespace {

System named(std::string heap)
{
	System s;
	s.heaps.push_back(Heap{});
	s.heaps.back().name = std::move(heap);
	return s;
}

TEST(SystemSnapshot, HoldsWhatWasMovedIn)
{
	System s = named("cma");
	s.policy.prefer.push_back({ "cma", {}, true });
	const SystemSnapshot snap(std::move(s));
	ASSERT_EQ(snap->heaps.size(), 1u);
	EXPECT_EQ(snap->heaps[0].name, "cma");
	EXPECT_EQ(&snap.policy(), &snap->policy);
	EXPECT_EQ(snap.policy().prefer.at(0).value, "cma");
}

TEST(SystemSnapshot, CopiesShareTheSystemAndTheId)
{
	const SystemSnapshot a(named("a"));
	const SystemSnapshot copy = a;
	EXPECT_EQ(copy.id(), a.id());
	EXPECT_EQ(&copy.system(), &a.system());

	SystemSnapshot moved = SystemSnapshot(a);
	SystemSnapshot source = a;
	moved = std::move(source);
	// Moving copies: the source stays a valid snapshot of the same system.
	EXPECT_EQ(&source.system(), &a.system()); // NOLINT(bugprone-use-after-move): documented
	EXPECT_EQ(moved.id(), a.id());
}

TEST(SystemSnapshot, EqualContentDistinctIds)
{
	const SystemSnapshot a(named("same"));
	const SystemSnapshot b(named("same"));
	EXPECT_NE(a.id(), b.id());
	EXPECT_NE(&a.system(), &b.system());
}

TEST(SystemSnapshot, IdsAreUniqueAcrossThreads)
{
	constexpr size_t kThreads = 4, kEach = 200;
	std::vector<std::vector<uint64_t>> ids(kThreads);
	std::vector<std::thread> threads;
	for (size_t t = 0; t < kThreads; ++t)
		threads.emplace_back([&, t] {
			for (size_t i = 0; i < kEach; ++i)
				ids[t].push_back(SystemSnapshot(System{}).id());
		});
	for (std::thread &th : threads)
		th.join();
	std::set<uint64_t> all;
	for (const auto &v : ids)
		all.insert(v.begin(), v.end());
	EXPECT_EQ(all.size(), kThreads * kEach);
	EXPECT_EQ(all.count(0), 0u);
}

} // namespace
} // namespace heapsolve
