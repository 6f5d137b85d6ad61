// SPDX-License-Identifier: Apache-2.0
// The reference for yaml::Document: what the loader read before it (YAML::Load for the first
// document, then a second parser counting documents), compared with what Document::parse gives.
// Used by document_test (over every YAML file of the repository and hand-written edge cases) and
// by the fuzz_document target (over any bytes).
#pragma once

#include <optional>
#include <sstream>
#include <string>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "constraints/yaml/document.h"

namespace heapsolve::yaml::testing {

// The first difference between the two readings of `text`, or nothing when they agree on
// everything the loader looks at: the outcome (a tree, an empty stream, a second document's
// position, or a syntax error's position and message), and in a tree every node's kind,
// position, plainness, text, size and the order of items and pairs.
inline std::optional<std::string> diffWithYamlCpp(const std::string &text);

namespace detail {

inline std::string where(const YAML::Mark &m)
{
	return std::to_string(m.line) + ":" + std::to_string(m.column);
}

// The pre-Document way of finding a second document: a fresh parser, two steps.
class DocumentCounter : public IgnoreEvents
{
public:
	void OnDocumentStart(const YAML::Mark &mark) override
	{
		if (++documents == 2)
			second = mark;
	}

	int documents = 0;
	YAML::Mark second;
};

// Aliases can make cycles (`&a [*a]`); both trees are walked to this depth only.
constexpr int kMaxDepth = 40;

inline std::optional<std::string> diffNodes(const YAML::Node &ref, const Node &got, const std::string &path,
					    int depth)
{
	if (depth > kMaxDepth)
		return std::nullopt;
	const std::string at = path + " (yaml-cpp at " + where(ref.Mark()) + ")";
	Node::Kind kind;
	switch (ref.Type()) {
	case YAML::NodeType::Null:
		kind = Node::Kind::Null;
		break;
	case YAML::NodeType::Scalar:
		kind = Node::Kind::Scalar;
		break;
	case YAML::NodeType::Sequence:
		kind = Node::Kind::Sequence;
		break;
	case YAML::NodeType::Map:
		kind = Node::Kind::Map;
		break;
	default:
		return at + ": yaml-cpp has an undefined node";
	}
	if (got.kind() != kind)
		return at + ": kind " + std::to_string(static_cast<int>(got.kind())) + " instead of " +
		       std::to_string(static_cast<int>(kind));
	if (got.mark().line != ref.Mark().line || got.mark().column != ref.Mark().column)
		return at + ": position " + where(got.mark());
	if (kind == Node::Kind::Scalar) {
		if (got.scalar() != ref.Scalar())
			return at + ": text '" + std::string(got.scalar()) + "' instead of '" + ref.Scalar() + "'";
		if (got.isPlain() != (ref.Tag() == "?"))
			return at + ": plain " + std::to_string(got.isPlain()) + " but tag '" + ref.Tag() + "'";
	}
	if (kind == Node::Kind::Sequence || kind == Node::Kind::Map) {
		size_t n = 0;
		for (auto it = ref.begin(); it != ref.end(); ++it, ++n) {
			if (n >= got.size())
				return at + ": " + std::to_string(got.size()) + " children, yaml-cpp has more";
			const std::string sub = path + "/" + std::to_string(n);
			if (kind == Node::Kind::Sequence) {
				const YAML::Node item = *it;
				if (auto d = diffNodes(item, got.item(n), sub, depth + 1))
					return d;
			} else {
				const YAML::Node key = it->first;
				const YAML::Node value = it->second;
				if (auto d = diffNodes(key, got.key(n), sub + "(key)", depth + 1))
					return d;
				if (auto d = diffNodes(value, got.value(n), sub + "(value)", depth + 1))
					return d;
			}
		}
		if (n != got.size())
			return at + ": " + std::to_string(got.size()) + " children instead of " + std::to_string(n);
	}
	return std::nullopt;
}

} // namespace detail

inline std::optional<std::string> diffWithYamlCpp(const std::string &text)
{
	using detail::where;
	// The outcome each way: "tree", "empty", "second L:C" or "error L:C msg".
	std::string refOutcome;
	YAML::Node refRoot;
	try {
		refRoot = YAML::Load(text);
		if (refRoot.IsNull()) {
			refOutcome = "empty";
		} else {
			std::istringstream stream(text);
			YAML::Parser parser(stream);
			detail::DocumentCounter counter;
			if (parser.HandleNextDocument(counter) && parser.HandleNextDocument(counter) && counter.documents >= 2)
				refOutcome = "second " + where(counter.second);
			else
				refOutcome = "tree";
		}
	} catch (const YAML::Exception &e) {
		refOutcome = "error " + where(e.mark) + " " + e.msg;
	}

	std::string gotOutcome;
	std::optional<Document> doc;
	try {
		doc = Document::parse(text);
		if (doc->root().isNull())
			gotOutcome = "empty";
		else if (doc->secondDocument())
			gotOutcome = "second " + where(*doc->secondDocument());
		else
			gotOutcome = "tree";
	} catch (const YAML::Exception &e) {
		gotOutcome = "error " + where(e.mark) + " " + e.msg;
	}

	if (refOutcome != gotOutcome)
		return "outcome '" + gotOutcome + "' instead of '" + refOutcome + "'";
	// The loader reads the first document's tree only when there is nothing else to report.
	if (gotOutcome != "tree")
		return std::nullopt;
	return detail::diffNodes(refRoot, doc->root(), "root", 0);
}

} // namespace heapsolve::yaml::testing
