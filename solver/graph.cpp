// SPDX-License-Identifier: Apache-2.0
#include "solver/graph.h"

#include <algorithm>
#include <cassert>
#include <string_view>
#include <utility>

namespace heapsolve {

SystemGraph::SystemGraph(const System &system) : system_(system)
{
	for (size_t d = 0; d < system.devices.size(); ++d) {
		const Device &dev = system.devices[d];
		const auto dv = boost::add_vertex(GraphNode{ NodeKind::Device, d, 0, dev.name }, graph_);
		devices_.push_back(dv);
		for (size_t p = 0; p < dev.planes.size(); ++p) {
			const auto pv = boost::add_vertex(
				GraphNode{ NodeKind::Plane, d, p, dev.name + "/" + dev.planes[p].name }, graph_);
			boost::add_edge(dv, pv, GraphEdge{ EdgeKind::HasPlane, 0 }, graph_);
		}
	}
	for (size_t h = 0; h < system.heaps.size(); ++h) {
		heaps_.push_back(boost::add_vertex(GraphNode{ NodeKind::Heap, h, 0, system.heaps[h].name }, graph_));
		heapRegions_.push_back(system.heaps[h].regions.set());
	}

	// Resolve a user (`device` or `device/plane`) to its vertex; the loader has checked names.
	// Device names sorted once: a lookup per user that scanned every device made building the
	// graph grow with buffers x devices (a large board has both).
	std::vector<std::pair<std::string_view, size_t>> byName;
	byName.reserve(system.devices.size());
	for (size_t d = 0; d < system.devices.size(); ++d)
		byName.emplace_back(system.devices[d].name, d);
	std::sort(byName.begin(), byName.end());
	auto userVertex = [&](const UserRef &u) {
		const auto it = std::lower_bound(byName.begin(), byName.end(), std::string_view(u.device),
						 [](const auto &entry, std::string_view name) { return entry.first < name; });
		assert(it != byName.end() && it->first == u.device && "the loader resolves every device reference");
		const size_t d = it->second;
		const auto dv = devices_[d];
		if (!u.plane)
			return dv;
		for (auto [e, end] = boost::out_edges(dv, graph_); e != end; ++e) {
			const auto pv = boost::target(*e, graph_);
			if (system.devices[d].planes[graph_[pv].plane].name == *u.plane)
				return pv;
		}
		assert(false && "the loader resolves every plane reference");
		return dv;
	};

	for (size_t b = 0; b < system.buffers.size(); ++b) {
		const Buffer &buf = system.buffers[b];
		const auto bv = boost::add_vertex(GraphNode{ NodeKind::Buffer, b, 0, buf.name }, graph_);
		buffers_.push_back(bv);
		boost::add_edge(bv, userVertex(buf.producer), GraphEdge{ EdgeKind::Produces, 0 }, graph_);
		for (size_t c = 0; c < buf.consumers.size(); ++c)
			boost::add_edge(bv, userVertex(buf.consumers[c]), GraphEdge{ EdgeKind::Consumes, c + 1 }, graph_);
	}
}

std::vector<RuleSource> SystemGraph::sourcesOf(const System &system, size_t buffer)
{
	// Mirrors the graph walk below: users in edge order (producer, then consumers), a device's
	// planes in the order they were added (their order in Device::planes).
	const Buffer &buf = system.buffers[buffer];
	std::vector<RuleSource> out;
	out.reserve(2 * (1 + buf.consumers.size())); // a device and one plane per user, most often
	auto add = [&](const UserRef &u, size_t user) {
		const Device *dev = system.findDevice(u.device);
		assert(dev && "the loader resolves every device reference");
		out.push_back(RuleSource{ dev->name, dev, nullptr, user });
		if (u.plane) {
			const Plane *p = dev->findPlane(*u.plane);
			assert(p && "the loader resolves every plane reference");
			out.push_back(RuleSource{ dev->name + "/" + p->name, dev, p, user });
			return;
		}
		for (const Plane &p : dev->planes)
			out.push_back(RuleSource{ dev->name + "/" + p.name, dev, &p, user });
	};
	add(buf.producer, 0);
	for (size_t c = 0; c < buf.consumers.size(); ++c)
		add(buf.consumers[c], c + 1);
	return out;
}

std::vector<RuleSource> SystemGraph::sourcesOf(size_t buffer) const
{
	std::vector<RuleSource> out;
	for (auto [e, end] = boost::out_edges(buffers_[buffer], graph_); e != end; ++e) {
		const size_t user = graph_[*e].user;
		const auto uv = boost::target(*e, graph_);
		const GraphNode &node = graph_[uv];
		const Device &dev = system_.devices[node.index];
		out.push_back(RuleSource{ dev.name, &dev, nullptr, user });
		if (node.kind == NodeKind::Plane) {
			// `device/plane`: the device's rules and that plane's.
			const Plane &p = dev.planes[node.plane];
			out.push_back(RuleSource{ dev.name + "/" + p.name, &dev, &p, user });
			continue;
		}
		// `device` for a device with planes: a scanout buffer with no plane hint may land on
		// any of them, so every plane's rules apply.
		for (auto [pe, pend] = boost::out_edges(uv, graph_); pe != pend; ++pe) {
			const GraphNode &pn = graph_[boost::target(*pe, graph_)];
			const Plane &p = dev.planes[pn.plane];
			out.push_back(RuleSource{ pn.label, &dev, &p, user });
		}
	}
	return out;
}

} // namespace heapsolve
