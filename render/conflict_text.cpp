// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/conflict_text.h"

namespace heapsolve {

std::string culpritText(const Culprit &culprit)
{
	std::string s = culprit.user + " (" + std::string(ruleName(culprit.rule)) + "): " + culprit.detail;
	if (!culprit.at.file.empty())
		s += ", at " + culprit.at.fileLine();
	return s;
}

ConflictText conflictText(std::string_view buffer, const Conflict &conflict)
{
	ConflictText t;
	t.headline = "buffer " + std::string(buffer) + " is unsatisfiable";
	t.sentences = conflict.explanation;
	for (const Culprit &c : conflict.culprits)
		t.culprits.push_back(culpritText(c));
	if (!conflict.minimal.empty() && conflict.minimal.size() < conflict.culprits.size())
		for (const Culprit &c : conflict.minimal)
			t.minimal.push_back(culpritText(c));
	for (size_t i = 0; i < conflict.split.size(); ++i) {
		std::string users;
		for (const std::string &u : conflict.split[i].users)
			users += (users.empty() ? "" : ", ") + u;
		t.split.push_back(std::to_string(i + 1) + ". heap " + conflict.split[i].heap + ": " + users);
	}
	if (conflict.suggestion)
		t.suggestion = std::string(kSuggestionLead) + *conflict.suggestion;
	return t;
}

std::vector<std::string> conflictLines(const ConflictText &text)
{
	std::vector<std::string> lines = text.sentences;
	lines.insert(lines.end(), text.culprits.begin(), text.culprits.end());
	if (!text.minimal.empty()) {
		lines.emplace_back(kMinimalHeading);
		for (const std::string &m : text.minimal)
			lines.push_back("  " + m);
	}
	if (!text.split.empty()) {
		lines.emplace_back(kSplitHeading);
		for (const std::string &g : text.split)
			lines.push_back("  " + g);
	}
	if (text.suggestion)
		lines.push_back(*text.suggestion);
	return lines;
}

std::string conflictSummary(const ConflictText &text)
{
	std::string s = text.headline;
	for (size_t i = 0; i < text.culprits.size(); ++i)
		s += (i == 0 ? ": " : "; ") + text.culprits[i];
	return s;
}

} // namespace heapsolve
