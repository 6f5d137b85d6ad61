// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/dot.h"

#include <algorithm>
#include <sstream>

#include <boost/graph/graphviz.hpp>

#include "solver/graph.h"

namespace heapsolve {

namespace {

std::string quoted(const std::string &text)
{
	std::string out = "\"";
	for (char c : text) {
		if (c == '\n') {
			out += "\\n"; // DOT's escape for a centered line break
			continue;
		}
		if (c == '"' || c == '\\')
			out += '\\';
		out += c;
	}
	return out + "\"";
}

bool names(const Conflict &c, const std::string &who)
{
	return std::any_of(c.culprits.begin(), c.culprits.end(), [&](const Culprit &k) {
		return k.user == who || k.user.starts_with(who + "/");
	});
}

} // namespace

std::string toDot(const System &system, const Solution &solution)
{
	const SystemGraph base(system);
	SystemGraphType g = base.graph();
	for (size_t b = 0; b < solution.buffers.size() && b < system.buffers.size(); ++b) {
		const BufferResult &r = solution.buffers[b];
		for (size_t h = 0; h < system.heaps.size(); ++h) {
			const std::string &heap = system.heaps[h].name;
			if (r.ok() && r.plan().heap.name == heap)
				boost::add_edge(base.bufferVertex(b), base.heapVertex(h), GraphEdge{ EdgeKind::Allocated, 0 }, g);
			else if (!r.ok() && names(r.conflict(), heap))
				boost::add_edge(base.bufferVertex(b), base.heapVertex(h), GraphEdge{ EdgeKind::Refused, 0 }, g);
		}
	}

	auto vertexWriter = [&](std::ostream &out, SystemGraphType::vertex_descriptor v) {
		const GraphNode &n = g[v];
		switch (n.kind) {
		case NodeKind::Device:
			out << "[shape=box, label=" << quoted(n.label + "\n(" + std::string(deviceKindName(system.devices[n.index].kind.value)) + ")")
			    << "]";
			break;
		case NodeKind::Plane:
			out << "[shape=ellipse, label=" << quoted(system.devices[n.index].planes[n.plane].name) << "]";
			break;
		case NodeKind::Heap: {
			const Heap &h = system.heaps[n.index];
			out << "[shape=cylinder, label="
			    << quoted(n.label + "\n" + std::string(backendName(h.backend.value)) +
				      (h.contiguous.value ? ", contiguous" : ""))
			    << "]";
			break;
		}
		case NodeKind::Buffer: {
			const BufferResult &r = solution.buffers[n.index];
			const Buffer &b = system.buffers[n.index];
			std::string label = n.label + "\n" + std::string(b.format.value->name) + " " +
					    std::to_string(b.width.value) + "x" + std::to_string(b.height.value);
			if (r.ok())
				label += "\n" + std::to_string(r.plan().size) + " bytes";
			out << "[shape=note, label=" << quoted(label)
			    << (r.ok() ? ", color=darkgreen" : ", color=red, fontcolor=red") << "]";
			break;
		}
		}
	};
	auto edgeWriter = [&](std::ostream &out, SystemGraphType::edge_descriptor e) {
		const GraphEdge &edge = g[e];
		const GraphNode &from = g[boost::source(e, g)];
		const GraphNode &to = g[boost::target(e, g)];
		bool conflicting = false;
		if (from.kind == NodeKind::Buffer && !solution.buffers[from.index].ok())
			conflicting = names(solution.buffers[from.index].conflict(), to.label);
		switch (edge.kind) {
		case EdgeKind::HasPlane:
			out << "[style=dotted, arrowhead=none]";
			break;
		case EdgeKind::Produces:
			out << "[label=\"produced by\"" << (conflicting ? ", color=red, fontcolor=red" : "") << "]";
			break;
		case EdgeKind::Consumes:
			out << "[label=\"used by\"" << (conflicting ? ", color=red, fontcolor=red" : "") << "]";
			break;
		case EdgeKind::Allocated:
			out << "[label=\"allocated in\", color=darkgreen, penwidth=2]";
			break;
		case EdgeKind::Refused:
			out << "[label=\"refused by\", color=red, style=dashed, fontcolor=red]";
			break;
		}
	};
	auto graphWriter = [](std::ostream &out) { out << "rankdir=LR;\nnode [fontname=\"sans-serif\"];\n"; };

	std::ostringstream out;
	boost::write_graphviz(out, g, vertexWriter, edgeWriter, graphWriter);
	return out.str();
}

} // namespace heapsolve
