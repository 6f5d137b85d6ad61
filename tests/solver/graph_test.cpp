// SPDX-License-Identifier: Apache-2.0
#include "solver/graph.h"

#include <gtest/gtest.h>

#include "heapsolve/loader.h"

namespace heapsolve {
namespace {

TEST(SystemGraph, SourcesFollowUsersAndPlanes)
{
	std::vector<InputFile> files{ { "g.yaml", R"(version: 1
heaps:
  - {name: system, backend: dma-heap}
devices:
  - {name: vpu, kind: codec}
  - name: disp
    kind: display
    planes: [{name: primary}, {name: overlay}]
buffers:
  - {name: a, format: NV12, width: 8, height: 8, producer: vpu, consumers: [disp]}
  - {name: b, format: NV12, width: 8, height: 8, producer: disp/overlay, consumers: [vpu]}
)" } };
	auto sys = loadSystem(files);
	ASSERT_TRUE(sys) << sys.error().message();
	const SystemGraph g(*sys);
	EXPECT_EQ(boost::num_vertices(g.graph()), 2u + 2u + 2u + 1u); // devices, planes, buffers, heap
	EXPECT_EQ(boost::num_edges(g.graph()), 2u + 2u + 2u);	      // has-plane, producers, consumers

	std::vector<std::string> labels;
	std::vector<size_t> users;
	for (const RuleSource &s : g.sourcesOf(0)) {
		labels.push_back(s.label);
		users.push_back(s.user);
	}
	EXPECT_EQ(labels, (std::vector<std::string>{ "vpu", "disp", "disp/primary", "disp/overlay" }));
	EXPECT_EQ(users, (std::vector<size_t>{ 0, 1, 1, 1 }));

	labels.clear();
	for (const RuleSource &s : g.sourcesOf(1))
		labels.push_back(s.label);
	EXPECT_EQ(labels, (std::vector<std::string>{ "disp", "disp/overlay", "vpu" }));

	// Resolving one buffer's users by name, without the graph, gives the same sources.
	for (size_t b = 0; b < sys->buffers.size(); ++b) {
		const std::vector<RuleSource> walked = g.sourcesOf(b);
		const std::vector<RuleSource> named = SystemGraph::sourcesOf(*sys, b);
		ASSERT_EQ(walked.size(), named.size());
		for (size_t i = 0; i < walked.size(); ++i) {
			EXPECT_EQ(walked[i].label, named[i].label);
			EXPECT_EQ(walked[i].device, named[i].device);
			EXPECT_EQ(walked[i].plane, named[i].plane);
			EXPECT_EQ(walked[i].user, named[i].user);
		}
	}
}

} // namespace
} // namespace heapsolve
