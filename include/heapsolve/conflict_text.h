// SPDX-License-Identifier: Apache-2.0
// The words of a conflict, decided once: the command line, the GStreamer element and the C API
// all say an unsatisfiable buffer with these texts (docs/cli.md, "How a conflict reads"). Each
// consumer only lays them out: the CLI indents them and shows the culprits as a table, the
// element puts the one-line summary in its error, the C API returns the plain lines.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "heapsolve/plan.h"

namespace heapsolve {

// A conflict in words.
struct ConflictText {
	std::string headline;		    // "buffer overlay is unsatisfiable"
	std::vector<std::string> sentences; // the explanation, one sentence per failed rule or heap
	std::vector<std::string> culprits;  // culpritText() of every culprit, in order
	// culpritText() of the minimal conflict, only when it leaves some culprit out.
	std::vector<std::string> minimal;
	std::vector<std::string> split; // "1. heap HEAP: USER, USER" per group of a copy split
	std::optional<std::string> suggestion;
};

// "USER (RULE): DETAIL, at FILE:LINE"; without ", at ..." when nobody wrote the value.
std::string culpritText(const Culprit &culprit);

// The headings of the optional parts, as the plain lines print them.
inline constexpr std::string_view kMinimalHeading =
	"Minimal conflict (these alone cannot hold together; none of them can be left out):";
inline constexpr std::string_view kSplitHeading = "Copy split (fewest buffers that each have a heap):";
inline constexpr std::string_view kSuggestionLead = "Suggestion: ";

ConflictText conflictText(std::string_view buffer, const Conflict &conflict);

// The conflict as plain lines, without the headline: the sentences, one line per culprit, then
// (when present) the minimal conflict and the copy split under their headings, each entry
// indented by two spaces, and "Suggestion: ...". What heapsolve_plan_explain() returns.
std::vector<std::string> conflictLines(const ConflictText &text);

// The headline and the culprits on one line: "buffer X is unsatisfiable: CULPRIT; CULPRIT".
// What the GStreamer element's error says.
std::string conflictSummary(const ConflictText &text);

} // namespace heapsolve
