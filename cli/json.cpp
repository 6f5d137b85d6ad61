// SPDX-License-Identifier: Apache-2.0
#include "cli/json.h"

#include <cstdio>

namespace heapsolve::cli {

std::string jsonString(std::string_view text)
{
	std::string out = "\"";
	for (unsigned char c : text) {
		switch (c) {
		case '"':
			out += "\\\"";
			break;
		case '\\':
			out += "\\\\";
			break;
		case '\n':
			out += "\\n";
			break;
		case '\t':
			out += "\\t";
			break;
		case '\r':
			out += "\\r";
			break;
		default:
			if (c < 0x20) {
				char buf[8];
				(void)std::snprintf(buf, sizeof(buf), "\\u%04x", c); // 6 characters always fit
				out += buf;
			} else {
				out += static_cast<char>(c);
			}
		}
	}
	return out + "\"";
}

namespace {

std::string field(std::string_view name, const std::string &value)
{
	return jsonString(name) + ": " + value;
}

std::string planToJson(const BufferResult &b)
{
	const Plan &p = b.plan();
	std::string planes;
	for (const PlaneLayout &pl : p.planes) {
		if (!planes.empty())
			planes += ", ";
		planes += "{" + field("offset", std::to_string(pl.offset)) + ", " +
			  field("stride", std::to_string(pl.stride)) + "}";
	}
	return "{" + field("name", jsonString(b.name)) + ", " + field("ok", "true") + ", " +
	       field("heap", jsonString(p.heap.name)) + ", " + field("backend", jsonString(backendName(p.heap.backend))) +
	       ", " + field("format", jsonString(p.format)) + ", " + field("modifier", jsonString(p.modifier)) + ", " +
	       field("width", std::to_string(p.width)) + ", " + field("height", std::to_string(p.height)) + ", " +
	       field("count", std::to_string(p.count)) + ", " + field("size", std::to_string(p.size)) + ", " +
	       field("planes", "[" + planes + "]") + "}";
}

std::string culpritsToJson(const std::vector<Culprit> &list)
{
	std::string out;
	for (const Culprit &k : list) {
		if (!out.empty())
			out += ",\n     ";
		out += "{" + field("user", jsonString(k.user)) + ", " + field("rule", jsonString(ruleName(k.rule))) + ", " +
		       field("detail", jsonString(k.detail)) + ", " + field("at", jsonString(k.at.fileLine())) + "}";
	}
	return "[" + (out.empty() ? "" : "\n     " + out) + "]";
}

// The spec's fields (name, ok, conflicts, suggestion), then, when asked, heapsolve's additions:
// the minimal conflict and the copy split.
std::string conflictToJson(const BufferResult &b, bool extras)
{
	const Conflict &c = b.conflict();
	std::string out = "{" + field("name", jsonString(b.name)) + ", " + field("ok", "false") + ",\n   " +
			  field("conflicts", culpritsToJson(c.culprits));
	if (c.suggestion)
		out += ",\n   " + field("suggestion", jsonString(*c.suggestion));
	if (!extras)
		return out + "}";
	out += ",\n   " + field("minimal", culpritsToJson(c.minimal));
	if (!c.split.empty()) {
		std::string groups;
		for (const SplitGroup &g : c.split) {
			std::string users;
			for (const std::string &u : g.users)
				users += (users.empty() ? "" : ", ") + jsonString(u);
			groups += (groups.empty() ? "" : ", ") + std::string("{") + field("heap", jsonString(g.heap)) + ", " +
				  field("users", "[" + users + "]") + "}";
		}
		out += ",\n   " + field("split", "[" + groups + "]");
	}
	return out + "}";
}

} // namespace

std::string solutionToJson(const Solution &solution, bool extras)
{
	std::string out = "{\"buffers\": [";
	for (size_t i = 0; i < solution.buffers.size(); ++i) {
		const BufferResult &b = solution.buffers[i];
		out += i ? ",\n  " : "\n  ";
		out += b.ok() ? planToJson(b) : conflictToJson(b, extras);
	}
	return out + (solution.buffers.empty() ? "]}\n" : "\n]}\n");
}

} // namespace heapsolve::cli
