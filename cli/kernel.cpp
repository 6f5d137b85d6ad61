// SPDX-License-Identifier: Apache-2.0
#include "cli/kernel.h"

#include <ostream>

#include "cli/check.h"
#include "cli/report.h"
#include "heapsolve/allocate.h"
#include "heapsolve/loader.h"
#include "heapsolve/probe.h"
#include "heapsolve/solver.h"

namespace heapsolve::cli {

int runProbe(std::ostream &out, std::ostream &err)
{
	ProbeOptions options;
	options.primaryNodes = PrimaryNodeAccess::fromPolicy(Policy{});
	MachineDescription machine = probeMachine(options);
	if (machine.empty()) {
		err << "heapsolve: error: nothing to describe: no memory map, DMA-BUF heap, udmabuf or DRM device could be read\n";
		for (const std::string &note : machine.offer.notes)
			err << "  " << note << "\n";
		return kExitBadInput;
	}
	out << toYaml(machine);
	return kExitOk;
}

int runAlloc(const std::vector<std::string> &files, const std::string &buffer, std::ostream &out, std::ostream &err)
{
	auto system = loadSystemFromPaths(files);
	if (!system) {
		err << system.error().message() << "\n";
		return kExitBadInput;
	}
	size_t index = system->buffers.size();
	for (size_t i = 0; i < system->buffers.size(); ++i)
		if (system->buffers[i].name == buffer)
			index = i;
	if (index == system->buffers.size()) {
		err << "heapsolve: error: no buffer named '" << buffer << "' in the files given\n";
		return kExitBadInput;
	}
	auto result = solveBuffer(*system, system->policy, index);
	if (!result) {
		err << result.error().message() << "\n";
		return kExitBadInput;
	}
	if (!result->ok()) {
		Solution one;
		one.buffers.push_back(*result);
		out << solutionToText(one);
		return kExitUnsatisfiable;
	}

	// The files' policy decides whether a DRM primary node may be opened at all.
	const Plan &plan = result->plan();
	auto allocation = allocatePlan(plan, Adapters::forMachine(PrimaryNodeAccess::fromPolicy(system->policy)));
	if (!allocation) {
		err << allocation.error().message() << "\n";
		return kExitKernelRefused;
	}
	for (const std::string &f : allocation->fallbacks)
		out << "note: " << f << "\n";
	out << "buffer '" << plan.buffer << "': " << allocation->buffers.size() << " x " << plan.size << " bytes from heap '"
	    << allocation->heap.name << "' (" << backendName(allocation->heap.backend) << ")\n";
	out << "  #  size        exporter\n";
	for (size_t i = 0; i < allocation->buffers.size(); ++i) {
		const DmaBuf &b = allocation->buffers[i];
		std::string size = std::to_string(b.size);
		out << "  " << i << (i < 10 ? "  " : " ") << size << std::string(size.size() < 12 ? 12 - size.size() : 1, ' ')
		    << (b.exporter.empty() ? "?" : b.exporter) << "\n";
	}
	// The dma-bufs are closed when `allocation` goes: this command proves the allocation works.
	return kExitOk;
}

} // namespace heapsolve::cli
