// SPDX-License-Identifier: Apache-2.0
// The system as a graph: devices, their planes, buffers and heaps are vertices; a device owns its
// planes, a buffer uses its producer and consumers (a device or one plane of it). The solver walks
// it to find which rules reach a buffer; the DOT writer draws it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "constraints/address_window.h"
#include "heapsolve/system.h"

namespace heapsolve {

enum class NodeKind { Device,
		      Plane,
		      Buffer,
		      Heap };

struct GraphNode {
	NodeKind kind = NodeKind::Device;
	size_t index = 0; // into System::devices / buffers / heaps; for a plane, its device
	size_t plane = 0; // for a plane: index into Device::planes
	std::string label;
};

enum class EdgeKind {
	HasPlane,
	Produces,
	Consumes,
	Allocated, // buffer -> the heap its plan chose (drawings only)
	Refused,   // buffer -> a heap that failed it (drawings only)
};

struct GraphEdge {
	EdgeKind kind = EdgeKind::HasPlane;
	size_t user = 0; // for Produces/Consumes: 0 for the producer, 1.. for consumers in order
};

// vecS everywhere: vertices and out-edges keep insertion order, so every walk is deterministic.
using SystemGraphType =
	boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, GraphNode, GraphEdge>;

// One device or plane whose rules reach a buffer through one of its users.
struct RuleSource {
	std::string label; // "device" or "device/plane"
	const Device *device = nullptr;
	const Plane *plane = nullptr; // nullptr: the device's own rules
	size_t user = 0;	      // 0: the producer; then the consumers in order
	// Set by the solver when some of these rules are waived (see Relaxation in solver.h).
	const RuleSet *override = nullptr;
	bool protectionWaived = false;

	const RuleSet &rules() const { return override ? *override : plane ? plane->rules
									   : device->rules; }
	bool iommu() const { return device->iommu.value; }
	bool canAccessProtected() const { return protectionWaived || device->canAccessProtected.value; }
};

class SystemGraph
{
public:
	explicit SystemGraph(const System &system);

	const SystemGraphType &graph() const { return graph_; }
	const System &system() const { return system_; }
	SystemGraphType::vertex_descriptor deviceVertex(size_t device) const { return devices_[device]; }
	SystemGraphType::vertex_descriptor bufferVertex(size_t buffer) const { return buffers_[buffer]; }
	SystemGraphType::vertex_descriptor heapVertex(size_t heap) const { return heaps_[heap]; }
	// The regions of system.heaps[heap] as a set, computed once for every buffer that judges it.
	const AddressWindows &heapRegions(size_t heap) const { return heapRegions_[heap]; }

	// The rule sources of a buffer's users: producer first, then consumers in order; within a
	// user, the device, then its plane (`device/plane`) or every plane (`device` with planes).
	std::vector<RuleSource> sourcesOf(size_t buffer) const;

	// The same sources for one buffer, resolved by name without building the graph: solving one
	// buffer of a large system need not pay for every other buffer's vertices.
	static std::vector<RuleSource> sourcesOf(const System &system, size_t buffer);

private:
	const System &system_;
	SystemGraphType graph_;
	std::vector<SystemGraphType::vertex_descriptor> devices_;
	std::vector<SystemGraphType::vertex_descriptor> buffers_;
	std::vector<SystemGraphType::vertex_descriptor> heaps_;
	std::vector<AddressWindows> heapRegions_;
};

} // namespace heapsolve
