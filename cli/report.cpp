// SPDX-License-Identifier: Apache-2.0
#include "cli/report.h"

#include <algorithm>
#include <vector>

#include "heapsolve/conflict_text.h"

namespace heapsolve::cli {

namespace {

// Left-aligned columns, two spaces apart.
std::string table(const std::vector<std::vector<std::string>> &rows)
{
	std::vector<size_t> widths;
	for (const auto &row : rows)
		for (size_t i = 0; i < row.size(); ++i) {
			if (widths.size() <= i)
				widths.push_back(0);
			widths[i] = std::max(widths[i], row[i].size());
		}
	std::string out;
	for (const auto &row : rows) {
		std::string line;
		for (size_t i = 0; i < row.size(); ++i) {
			line += row[i];
			if (i + 1 < row.size())
				line += std::string(widths[i] - row[i].size() + 2, ' ');
		}
		out += line + "\n";
	}
	return out;
}

} // namespace

std::string solutionToText(const Solution &solution)
{
	size_t solved = 0;
	for (const BufferResult &b : solution.buffers)
		solved += b.ok();
	std::string out = std::to_string(solution.buffers.size()) + " buffer" +
			  (solution.buffers.size() == 1 ? "" : "s") + ": " + std::to_string(solved) + " solved, " +
			  std::to_string(solution.buffers.size() - solved) + " unsatisfiable\n";
	if (solution.buffers.empty())
		return out;

	std::vector<std::vector<std::string>> rows{
		{ "BUFFER", "RESULT", "HEAP", "BACKEND", "FORMAT", "MODIFIER", "WIDTHxHEIGHT", "COUNT", "SIZE",
		  "PLANES (offset/stride)" }
	};
	for (const BufferResult &b : solution.buffers) {
		if (!b.ok()) {
			rows.push_back({ b.name, "CONFLICT", "-", "-", "-", "-", "-", "-", "-", "-" });
			continue;
		}
		const Plan &p = b.plan();
		std::string planes;
		for (const PlaneLayout &pl : p.planes)
			planes += (planes.empty() ? "" : " ") + std::to_string(pl.offset) + "/" + std::to_string(pl.stride);
		rows.push_back({ b.name, "ok", p.heap.name, std::string(backendName(p.heap.backend)), p.format, p.modifier,
				 std::to_string(p.width) + "x" + std::to_string(p.height), std::to_string(p.count),
				 std::to_string(p.size), planes });
	}
	out += "\n" + table(rows);

	for (const BufferResult &b : solution.buffers) {
		if (b.ok()) {
			const Plan &p = b.plan();
			if (p.adjustments.empty() && p.others.empty())
				continue;
			out += "\n" + b.name + ":\n";
			for (const std::string &a : p.adjustments)
				out += "  adjusted " + a + "\n";
			if (!p.others.empty()) {
				std::string others;
				for (const HeapChoice &h : p.others)
					others += (others.empty() ? "" : ", ") + h.name;
				out += "  also eligible, in order: " + others + "\n";
			}
			continue;
		}
		const Conflict &c = b.conflict();
		const ConflictText text = conflictText(b.name, c);
		out += "\n" + text.headline + ":\n";
		for (const std::string &sentence : text.sentences)
			out += "  " + sentence + "\n";
		if (!c.culprits.empty()) {
			std::vector<std::vector<std::string>> rows2{ { "USER", "RULE", "VALUE", "WRITTEN AT" } };
			for (const Culprit &k : c.culprits)
				rows2.push_back({ k.user, std::string(ruleName(k.rule)), k.detail, k.at.fileLine() });
			std::string t = table(rows2);
			size_t pos = 0;
			while (pos < t.size()) {
				const size_t nl = t.find('\n', pos);
				out += "    " + t.substr(pos, nl - pos + 1);
				pos = nl + 1;
			}
		}
		if (!text.minimal.empty()) {
			out += "  " + std::string(kMinimalHeading) + "\n";
			for (const std::string &m : text.minimal)
				out += "    " + m + "\n";
		}
		if (!text.split.empty()) {
			out += "  " + std::string(kSplitHeading) + "\n";
			for (const std::string &g : text.split)
				out += "    " + g + "\n";
		}
		if (text.suggestion)
			out += "  " + *text.suggestion + "\n";
	}
	return out;
}

} // namespace heapsolve::cli
