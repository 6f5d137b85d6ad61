// SPDX-License-Identifier: LGPL-2.1-or-later
// What the element asks the solver: the system files plus one buffer described by the negotiated
// caps and the element's producer/consumers properties.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "heapsolve/plan.h"
#include "heapsolve/result.h"

namespace heapsolve::gst {

struct BufferRequest {
	std::string name;   // the buffer's name in explanations: the element's name
	std::string format; // a schema-1 format name
	uint64_t width = 0;
	uint64_t height = 0;
	uint64_t count = 0;
	std::string producer;		    // "device" or "device/plane"
	std::vector<std::string> consumers; // may be empty
};

// The pipeline file the element adds after the system files: a schema-1 document with the one
// buffer of `request`, every name quoted so that no property value can inject YAML.
std::string requestYaml(const BufferRequest &request);

// The file name the element's own buffer is cited under in errors and conflicts.
inline constexpr const char *kCapsFileName = "<caps>";

// Loads `files` followed by the request (loading checks every name the properties give) and
// solves the requested buffer. The error is bad input (a file, a property naming an unknown
// device, an overflow); an unsatisfiable buffer is a BufferResult holding a Conflict.
Result<BufferResult> solveRequest(const std::vector<std::string> &files, const BufferRequest &request);

} // namespace heapsolve::gst
