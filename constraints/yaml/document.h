// SPDX-License-Identifier: Apache-2.0
// One YAML document as a compact, read-only tree, built from yaml-cpp's parser events.
//
// Why not YAML::Node: yaml-cpp's node tree costs about 60 bytes of heap per byte of input (a
// shared_ptr-linked node, a node_data and a std::string per scalar, every map pair in two vectors)
// and every access copies shared pointers. A 1.3 MB file of 10,000 buffers took ~80 MB and a third
// of the loading time to build and read. Here a node is 20 bytes in one array, scalars live in
// one character arena and a container's children are a contiguous run of node indices.
//
// It holds what YAML::Load would give the loader, event for event: the node kind, whether a
// scalar was written plain (no quotes, no tag), its text, and the position yaml-cpp reports
// (0-based line and column, as YAML::Mark). An alias is the node its anchor names (the same
// node, at the anchor's position), map pairs keep their written order, duplicate keys included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>

namespace heapsolve::yaml {

class Document;

// An EventHandler that ignores every event: derive and override the ones to watch.
class IgnoreEvents : public YAML::EventHandler
{
public:
	void OnDocumentStart(const YAML::Mark &) override {}
	void OnDocumentEnd() override {}
	void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
	void OnAlias(const YAML::Mark &, YAML::anchor_t) override {}
	void OnScalar(const YAML::Mark &, const std::string &, YAML::anchor_t, const std::string &) override {}
	void OnSequenceStart(const YAML::Mark &, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override {}
	void OnSequenceEnd() override {}
	void OnMapStart(const YAML::Mark &, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override {}
	void OnMapEnd() override {}
};

// A handle into a Document: cheap to copy, valid while its Document lives.
class Node
{
public:
	enum class Kind : uint8_t { Null,
				    Scalar,
				    Sequence,
				    Map };

	Kind kind() const;
	bool isNull() const { return kind() == Kind::Null; }
	bool isScalar() const { return kind() == Kind::Scalar; }
	bool isSequence() const { return kind() == Kind::Sequence; }
	bool isMap() const { return kind() == Kind::Map; }
	// A scalar written without quotes and without a tag (yaml-cpp's tag "?"), as numbers and
	// booleans must be. False for anything that is not a scalar.
	bool isPlain() const;
	// The scalar's text; empty for anything else.
	std::string_view scalar() const;
	// Where yaml-cpp placed the node: 0-based line and column.
	YAML::Mark mark() const;

	// Items of a sequence, pairs of a map; 0 for a scalar or null.
	size_t size() const;
	// Item `i` of a sequence.
	Node item(size_t i) const;
	// Key and value of pair `i` of a map.
	Node key(size_t i) const;
	Node value(size_t i) const;

	// `for (Node item : seq.items())`; nothing for a map (use key(i) and value(i)).
	class Items
	{
	public:
		class Iterator
		{
		public:
			Node operator*() const { return Node(doc_, *p_); }
			Iterator &operator++()
			{
				++p_;
				return *this;
			}
			bool operator==(const Iterator &o) const { return p_ == o.p_; }

		private:
			friend class Items;
			Iterator(const Document *doc, const uint32_t *p) : doc_(doc), p_(p) {}
			const Document *doc_;
			const uint32_t *p_;
		};
		Iterator begin() const { return Iterator(doc_, children_.data()); }
		Iterator end() const { return Iterator(doc_, children_.data() + children_.size()); }

	private:
		friend class Node;
		Items(const Document *doc, std::span<const uint32_t> children) : doc_(doc), children_(children) {}
		const Document *doc_;
		std::span<const uint32_t> children_;
	};
	Items items() const;

private:
	friend class Document;
	Node(const Document *doc, uint32_t index) : doc_(doc), index_(index) {}
	std::span<const uint32_t> children() const;

	const Document *doc_;
	uint32_t index_;
};

class Document
{
public:
	// The first document of `text`, and where a second one starts when there is one (looked for
	// only when the first is not null). Throws YAML::Exception (with its Mark) on a syntax error
	// in either document, as YAML::Load would; the caller turns it into a ParseError. No document
	// at all gives a null root.
	// Containers nested deeper than kMaxDepth are a syntax error ("nesting deeper than 64
	// levels", at the container that goes too deep): schema 1 nests five levels at most, and
	// yaml-cpp's own guard (2000 levels) reports only "bad file".
	static Document parse(std::string_view text);
	static constexpr size_t kMaxDepth = 64;

	Node root() const { return Node(this, root_); }
	// The start of a second document in the same stream, if any (its content is parsed for
	// syntax but not kept).
	const std::optional<YAML::Mark> &secondDocument() const { return second_; }

private:
	friend class Node;
	friend class Builder;

	struct Data {
		int32_t line;
		int32_t column;
		// A scalar: offset and length in text_; a container: offset in children_ and the
		// number of children (two per map pair: key, value).
		uint32_t first;
		uint32_t count;
		Node::Kind kind;
		bool plain;
	};

	std::vector<Data> nodes_;
	std::vector<uint32_t> children_;
	std::string text_;
	uint32_t root_ = 0;
	std::optional<YAML::Mark> second_;
};

inline Node::Kind Node::kind() const
{
	return doc_->nodes_[index_].kind;
}

inline bool Node::isPlain() const
{
	const Document::Data &d = doc_->nodes_[index_];
	return d.kind == Kind::Scalar && d.plain;
}

inline std::string_view Node::scalar() const
{
	const Document::Data &d = doc_->nodes_[index_];
	if (d.kind != Kind::Scalar)
		return {};
	return std::string_view(doc_->text_).substr(d.first, d.count);
}

inline std::span<const uint32_t> Node::children() const
{
	const Document::Data &d = doc_->nodes_[index_];
	if (d.kind != Kind::Sequence && d.kind != Kind::Map)
		return {};
	return std::span<const uint32_t>(doc_->children_).subspan(d.first, d.count);
}

inline size_t Node::size() const
{
	const Document::Data &d = doc_->nodes_[index_];
	if (d.kind == Kind::Sequence)
		return d.count;
	if (d.kind == Kind::Map)
		return d.count / 2;
	return 0;
}

inline Node Node::item(size_t i) const
{
	return Node(doc_, children()[i]);
}

inline Node Node::key(size_t i) const
{
	return Node(doc_, children()[2 * i]);
}

inline Node Node::value(size_t i) const
{
	return Node(doc_, children()[2 * i + 1]);
}

inline Node::Items Node::items() const
{
	return Items(doc_, isSequence() ? children() : std::span<const uint32_t>());
}

} // namespace heapsolve::yaml
