// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gst/request.h"

#include <sstream>

#include "heapsolve/loader.h"
#include "heapsolve/solver.h"

namespace heapsolve::gst {

namespace {

// A YAML double-quoted scalar: the only escapes needed are backslash, quote and control bytes.
std::string quoted(const std::string &s)
{
	std::string out = "\"";
	for (unsigned char c : s) {
		if (c == '"' || c == '\\') {
			out += '\\';
			out += static_cast<char>(c);
		} else if (c < 0x20) {
			static const char hex[] = "0123456789abcdef";
			out += "\\x";
			out += hex[c >> 4];
			out += hex[c & 15];
		} else {
			out += static_cast<char>(c);
		}
	}
	return out + "\"";
}

} // namespace

std::string requestYaml(const BufferRequest &request)
{
	std::ostringstream y;
	y << "version: 1\n"
	  << "buffers:\n"
	  << "  - name: " << quoted(request.name) << "\n"
	  << "    format: " << quoted(request.format) << "\n"
	  << "    width: " << request.width << "\n"
	  << "    height: " << request.height << "\n"
	  << "    count: " << request.count << "\n"
	  << "    producer: " << quoted(request.producer) << "\n";
	if (!request.consumers.empty()) {
		y << "    consumers: [";
		for (size_t i = 0; i < request.consumers.size(); i++)
			y << (i ? ", " : "") << quoted(request.consumers[i]);
		y << "]\n";
	}
	return y.str();
}

Result<BufferResult> solveRequest(const std::vector<std::string> &files, const BufferRequest &request)
{
	HEAPSOLVE_TRY_ASSIGN(std::vector<InputFile> inputs, readInputFiles(files));
	inputs.push_back({ kCapsFileName, requestYaml(request) });

	Result<System> system = loadSystem(inputs);
	HEAPSOLVE_TRY_FRAME(system, "loading the system files");

	for (size_t i = 0; i < system->buffers.size(); i++) {
		if (system->buffers[i].name != request.name)
			continue;
		Result<BufferResult> r = solveBuffer(*system, system->policy, i);
		HEAPSOLVE_TRY_FRAME(r, "solving buffer " + request.name);
		return r;
	}
	// loadSystem() keeps every buffer it parsed, so ours is there.
	return parseError(Source{ kCapsFileName, 3, 11 }, "buffer '" + request.name + "' vanished while loading");
}

} // namespace heapsolve::gst
