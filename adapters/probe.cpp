// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/probe.h"

#include <unistd.h>

#include <cstdio>
#include <set>
#include <sstream>

#include "adapters/drm_dumb/drm_dumb.h"
#include "adapters/fd/read_file.h"
#include "constraints/number.h"
#include "constraints/yaml_scalar.h"

namespace heapsolve {

namespace {

// Top-level "System RAM" ranges of /proc/iomem, adjacent ones merged. Unprivileged readers see
// every address as 0, which gives nothing.
std::vector<Window> readSystemRam(const std::string &path)
{
	std::vector<Window> out;
	std::istringstream in(readFile(path).value_or(""));
	std::string line;
	while (std::getline(in, line)) {
		if (line.empty() || line[0] == ' ' || line.find(" : System RAM") == std::string::npos)
			continue;
		uint64_t first = 0, last = 0;
		if (std::sscanf(line.c_str(), "%lx-%lx", &first, &last) != 2 || last <= first) // NOLINT(cert-err34-c): /proc/iomem, written by the kernel as two hex addresses
			continue;
		const uint64_t size = last - first + 1;
		if (!out.empty() && out.back().end() == first)
			out.back().size += size;
		else
			out.push_back(Window{ first, size, Source{ "probe", 0, 0 } });
	}
	return out;
}

void append(Offer &into, Result<Offer> from, std::set<std::string> &taken)
{
	if (!from) {
		into.notes.push_back(from.error().message());
		return;
	}
	auto claim = [&](std::string &name) {
		std::string base = name;
		for (int i = 2; taken.contains(name); ++i)
			name = base + "-" + std::to_string(i);
		taken.insert(name);
	};
	for (Heap &h : from->heaps) {
		claim(h.name);
		into.heaps.push_back(std::move(h));
	}
	for (Device &d : from->devices) {
		claim(d.name);
		into.devices.push_back(std::move(d));
	}
	for (std::string &n : from->notes)
		into.notes.push_back(std::move(n));
}

std::string list(const std::vector<std::string> &names)
{
	std::string out = "[";
	for (size_t i = 0; i < names.size(); ++i)
		out += (i ? ", " : "") + names[i];
	return out + "]";
}

void windows(std::ostringstream &out, const std::string &indent, const std::vector<Window> &ws)
{
	for (const Window &w : ws)
		out << indent << "- { base: " << formatHex(w.base) << ", size: " << formatHex(w.size) << " }\n";
}

void rules(std::ostringstream &out, const std::string &indent, const RuleSet &r)
{
	if (r.contiguous && r.contiguous->written)
		out << indent << "contiguous: " << (r.contiguous->value ? "true" : "false") << "\n";
	if ((r.alignStride && r.alignStride->written) || (r.alignHeight && r.alignHeight->written))
		out << indent << "align: {" << (r.alignStride ? "stride: " + std::to_string(r.alignStride->value) : "")
		    << (r.alignStride && r.alignHeight ? ", " : "")
		    << (r.alignHeight ? "height: " + std::to_string(r.alignHeight->value) : "") << "}\n";
	if (r.formats && r.formats->written)
		out << indent << "formats: " << list(r.formats->value) << "\n";
	if (r.modifiers && r.modifiers->written)
		out << indent << "modifiers: " << list(r.modifiers->value) << "\n";
	if (r.chromaStride && r.chromaStride->written)
		out << indent << "chroma_stride: " << chromaStrideName(r.chromaStride->value) << "\n";
	if (r.modifiersPerFormat && !r.modifiersPerFormat->value.empty()) {
		// Per format, as KMS reports them (IN_FORMATS), one format a line.
		out << indent << "modifiers:\n";
		for (const FormatModifiers &f : r.modifiersPerFormat->value)
			out << indent << "  " << f.format << ": " << list(f.modifiers.value) << "\n";
	}
}

} // namespace

uint64_t systemPageSize()
{
	const long page = sysconf(_SC_PAGESIZE);
	return page > 0 ? static_cast<uint64_t>(page) : kDefaultPageSize;
}

MachineDescription probeMachine(const ProbeOptions &options)
{
	MachineDescription m;
	m.pageSize = options.pageSize;
	m.memory = readSystemRam(options.iomem);
	if (m.memory.empty())
		m.offer.notes.push_back("memory: " + options.iomem + " shows no System RAM addresses (root only)");
	std::set<std::string> taken;
	append(m.offer, DmaHeapAdapter(options.dmaHeap).probe(), taken);
	append(m.offer, UdmabufAdapter(options.udmabuf).probe(), taken);
	if (options.video)
		append(m.offer, probeV4l2(options.v4l2), taken);
	if (!options.drm)
		return m;
	std::vector<DrmNodes> drm = listDrmDevices();
	if (drm.empty())
		m.offer.notes.emplace_back("no DRM devices (drmGetDevices2 found none)");
	if (options.primaryNodes)
		append(m.offer, DrmDumbAdapter(*options.primaryNodes).probe(), taken);
	else if (!drm.empty())
		m.offer.notes.emplace_back("DRM primary nodes not opened (the policy forbids drm-dumb): no KMS planes, no dumb heaps");
	append(m.offer, probeRenderNodes(drm), taken);
	return m;
}

std::string toYaml(const MachineDescription &m)
{
	std::ostringstream out;
	out << "# This machine as `heapsolve probe` saw it (schema 1).\n";
	for (const std::string &n : m.offer.notes)
		out << "# " << n << "\n";
	out << "version: 1\n";
	// The schema's default is 4096; other kernels (16 KiB or 64 KiB pages on arm64) say so.
	if (m.pageSize != kDefaultPageSize)
		out << "page_size: " << m.pageSize << " # sysconf(_SC_PAGESIZE)\n";
	if (!m.memory.empty()) {
		out << "memory:\n";
		windows(out, "  ", m.memory);
	}
	if (!m.offer.heaps.empty()) {
		out << "heaps:\n";
		for (const Heap &h : m.offer.heaps) {
			out << "  - name: " << yamlQuoted(h.name) << "\n";
			out << "    backend: " << backendName(h.backend.value) << "\n";
			if (h.path && h.path->written)
				out << "    path: " << yamlQuoted(h.path->value) << "\n";
			out << "    contiguous: " << (h.contiguous.value ? "true" : "false") << "\n";
			out << "    cached: " << (h.cached.value ? "true" : "false") << "\n";
			if (h.isProtected.written && h.isProtected.value)
				out << "    protected: true\n";
			if (h.regionsFrom == RegionsFrom::Written) {
				out << "    regions:\n";
				windows(out, "      ", h.regions.windows);
			}
			if (h.maxBuffer)
				out << "    max_buffer: " << h.maxBuffer->value << "\n";
		}
	}
	if (!m.offer.devices.empty()) {
		out << "devices:\n";
		for (const Device &d : m.offer.devices) {
			out << "  - name: " << yamlQuoted(d.name) << "\n";
			out << "    kind: " << deviceKindName(d.kind.value) << "\n";
			rules(out, "    ", d.rules);
			if (d.planes.empty())
				continue;
			out << "    planes:\n";
			for (const Plane &p : d.planes) {
				out << "      - name: " << yamlQuoted(p.name) << "\n";
				rules(out, "        ", p.rules);
			}
		}
	}
	return out.str();
}

} // namespace heapsolve
