// SPDX-License-Identifier: Apache-2.0
#include "constraints/yaml/document.h"

#include <limits>
#include <sstream>

#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace heapsolve::yaml {

// Builds a Document from the events of one document, as yaml-cpp's NodeBuilder builds a
// YAML::Node: a node per Null/Scalar/SequenceStart/MapStart event at that event's mark, an alias
// resolved to its anchor's node, children in event order.
class Builder : public YAML::EventHandler
{
public:
	explicit Builder(Document &doc) : doc_(doc) {}

	void OnDocumentStart(const YAML::Mark &) override {}
	void OnDocumentEnd() override {}

	void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override
	{
		attach(add(mark, Node::Kind::Null, false, 0, 0), anchor);
	}

	void OnAlias(const YAML::Mark &mark, YAML::anchor_t anchor) override
	{
		// The parser has already rejected an unknown anchor; this guards our own bookkeeping.
		if (anchor >= anchors_.size() || anchors_[anchor] == kNone)
			throw YAML::ParserException(mark, "the alias names no anchor");
		attach(anchors_[anchor], YAML::NullAnchor);
	}

	void OnScalar(const YAML::Mark &mark, const std::string &tag, YAML::anchor_t anchor,
		      const std::string &value) override
	{
		const size_t offset = doc_.text_.size();
		if (value.size() > kMax - offset)
			throw YAML::ParserException(mark, "the file is too large (over 4 GiB of text)");
		doc_.text_.append(value);
		attach(add(mark, Node::Kind::Scalar, tag == "?", static_cast<uint32_t>(offset),
			   static_cast<uint32_t>(value.size())),
		       anchor);
	}

	void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
			     YAML::EmitterStyle::value) override
	{
		open(mark, Node::Kind::Sequence, anchor);
	}
	void OnSequenceEnd() override { close(); }

	void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
			YAML::EmitterStyle::value) override
	{
		open(mark, Node::Kind::Map, anchor);
	}
	void OnMapEnd() override { close(); }

	bool hasRoot() const { return hasRoot_; }

private:
	static constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
	static constexpr size_t kMax = std::numeric_limits<uint32_t>::max() - 1;

	struct Open {
		uint32_t node;
		size_t firstPending; // where its children start in pending_
		size_t depth;	     // nesting levels as written, this container's included
		int line, column;    // where it starts
	};

	uint32_t add(const YAML::Mark &mark, Node::Kind kind, bool plain, uint32_t first, uint32_t count)
	{
		if (doc_.nodes_.size() >= kMax)
			throw YAML::ParserException(mark, "the file has too many YAML nodes (over 4 billion)");
		doc_.nodes_.push_back(Document::Data{ mark.line, mark.column, first, count, kind, plain });
		return static_cast<uint32_t>(doc_.nodes_.size() - 1);
	}

	// Registers `node` under `anchor` and makes it the next child of the open container, or the
	// root when none is open.
	void attach(uint32_t node, YAML::anchor_t anchor)
	{
		if (anchor != YAML::NullAnchor) {
			if (anchor >= anchors_.size())
				anchors_.resize(anchor + 1, kNone);
			anchors_[anchor] = node;
		}
		if (stack_.empty()) {
			doc_.root_ = node;
			hasRoot_ = true;
		} else {
			pending_.push_back(node);
		}
	}

	// A container is attached at its start, as NodeBuilder does, so that an alias inside it
	// can name it.
	void open(const YAML::Mark &mark, Node::Kind kind, YAML::anchor_t anchor)
	{
		// A level is a bracket or an indentation the user wrote: yaml-cpp opens an implicit
		// single-pair map inside a flow sequence at the same mark as its key ("[[a]]" gives
		// sequence, map, sequence), which is no level of its own.
		size_t depth = 1;
		if (!stack_.empty()) {
			const Open &parent = stack_.back();
			depth = parent.depth + (parent.line == mark.line && parent.column == mark.column ? 0 : 1);
		}
		if (depth > Document::kMaxDepth)
			throw YAML::ParserException(mark, "nesting deeper than " + std::to_string(Document::kMaxDepth) +
								  " levels");
		const uint32_t node = add(mark, kind, false, 0, 0);
		attach(node, anchor);
		stack_.push_back(Open{ node, pending_.size(), depth, mark.line, mark.column });
	}

	void close()
	{
		const Open o = stack_.back();
		stack_.pop_back();
		Document::Data &d = doc_.nodes_[o.node];
		d.first = static_cast<uint32_t>(doc_.children_.size());
		d.count = static_cast<uint32_t>(pending_.size() - o.firstPending);
		doc_.children_.insert(doc_.children_.end(), pending_.begin() + static_cast<ptrdiff_t>(o.firstPending),
				      pending_.end());
		pending_.resize(o.firstPending);
	}

	Document &doc_;
	std::vector<Open> stack_;
	std::vector<uint32_t> pending_;
	std::vector<uint32_t> anchors_;
	bool hasRoot_ = false;
};

namespace {

// Sees a second document's start; builds nothing.
class DocumentStart : public IgnoreEvents
{
public:
	void OnDocumentStart(const YAML::Mark &mark) override
	{
		if (!mark_)
			mark_ = mark;
	}

	std::optional<YAML::Mark> mark_;
};

} // namespace

Document Document::parse(std::string_view text)
{
	Document doc;
	// No document at all reads as one null node, as YAML::Load gives YAML::Node().
	doc.nodes_.push_back(Data{ -1, -1, 0, 0, Node::Kind::Null, false });
	std::istringstream stream{ std::string(text) };
	YAML::Parser parser(stream);
	Builder builder(doc);
	if (!parser.HandleNextDocument(builder) || !builder.hasRoot())
		return doc;
	// An empty first document is the caller's error to report, whatever follows it.
	if (doc.root().isNull())
		return doc;
	// Exactly one more parser step: never a loop over documents. yaml-cpp 0.7's LoadAll() loops
	// forever on a stream starting with ',' (jbeder/yaml-cpp#1040): the parser reports an empty
	// document without consuming the token, and LoadAll() asks again.
	DocumentStart second;
	if (parser.HandleNextDocument(second))
		doc.second_ = second.mark_.value_or(YAML::Mark());
	return doc;
}

YAML::Mark Node::mark() const
{
	const Document::Data &d = doc_->nodes_[index_];
	YAML::Mark m;
	m.line = d.line;
	m.column = d.column;
	return m;
}

} // namespace heapsolve::yaml
