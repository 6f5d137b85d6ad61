// SPDX-License-Identifier: Apache-2.0
#include "cli/kernel.h"

#include <ostream>

#include "cli/check.h"
#include "cli/report.h"
#include "heapsolve/allocate.h"
#include "heapsolve/devicetree.h"
#include "heapsolve/loader.h"
#include "heapsolve/probe.h"
#include "heapsolve/solver.h"

namespace heapsolve::cli {

int runProbe(std::ostream &out, std::ostream &err)
{
	return runProbeLive("", DtbProbeOptions{}, out, err);
}

namespace {

// The options of the importer: the profiles of `dir`, or an error to print.
std::optional<devicetree::Options> importOptions(const DtbProbeOptions &options, const std::string &source, std::ostream &err)
{
	devicetree::Options o;
	o.sourceName = source;
	o.capacity = options.capacity;
	if (!options.profilesDir.empty()) {
		auto profiles = devicetree::loadProfiles(options.profilesDir);
		if (!profiles) {
			err << profiles.error().message() << "\n";
			return std::nullopt;
		}
		o.profiles = std::move(*profiles);
	}
	return o;
}

} // namespace

int runProbeDtb(const std::string &dtb, const DtbProbeOptions &options, std::ostream &out, std::ostream &err)
{
	auto blob = devicetree::readBlob(dtb);
	if (!blob) {
		err << blob.error().message() << "\n";
		return kExitBadInput;
	}
	auto o = importOptions(options, dtb, err);
	if (!o)
		return kExitBadInput;
	auto yaml = devicetree::dtbToYaml(std::span(reinterpret_cast<const uint8_t *>(blob->data()), blob->size()), *o);
	if (!yaml) {
		err << yaml.error().message() << "\n";
		return kExitBadInput;
	}
	out << *yaml;
	return kExitOk;
}

int runProbeLive(const std::string &fdt, const DtbProbeOptions &dtbOptions, std::ostream &out, std::ostream &err)
{
	ProbeOptions options;
	options.primaryNodes = PrimaryNodeAccess::fromPolicy(Policy{});
	MachineDescription machine = probeMachine(options);
	// The firmware's device tree, when the machine has one: its DMA masters join the devices. A
	// machine without one (ENOENT) or that does not let us read it is described without it.
	std::optional<std::string> blob;
	if (!fdt.empty())
		if (auto read = devicetree::readBlob(fdt))
			blob = std::move(*read);
	if (machine.empty() && !blob) {
		err << "heapsolve: error: nothing to describe: no memory map, DMA-BUF heap, udmabuf or DRM device could be read\n";
		for (const std::string &note : machine.offer.notes)
			err << "  " << note << "\n";
		return kExitBadInput;
	}
	std::string text = toYaml(machine);
	if (blob) {
		auto o = importOptions(dtbOptions, fdt, err);
		if (!o)
			return kExitBadInput;
		o->devicesOnly = true;
		for (const Heap &h : machine.offer.heaps)
			o->taken.push_back(h.name);
		for (const Device &d : machine.offer.devices)
			o->taken.push_back(d.name);
		auto yaml = devicetree::dtbToYaml(std::span(reinterpret_cast<const uint8_t *>(blob->data()), blob->size()), *o);
		if (!yaml) {
			err << yaml.error().message() << "\n";
			return kExitBadInput;
		}
		if (machine.offer.devices.empty())
			text += "devices:\n";
		text += *yaml;
	}
	out << text;
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
