// SPDX-License-Identifier: Apache-2.0
// Who wrote a value: a set of writers, each named by an index the caller gives (the solver gives
// the index of a device or plane among the rule sources of one buffer). Merging two sourced values
// unites their writers, so a merged value knows every rule set that shaped it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace heapsolve {

class Writers
{
public:
	Writers() = default;
	static Writers of(size_t writer)
	{
		Writers w;
		w.add(writer);
		return w;
	}

	void add(size_t writer)
	{
		if (writer < 64) [[likely]]
			first_ |= uint64_t{ 1 } << writer;
		else
			addMore(writer);
	}
	bool has(size_t writer) const
	{
		if (writer < 64)
			return first_ >> writer & 1;
		const size_t word = writer / 64 - 1;
		return word < more_.size() && (more_[word] >> (writer % 64) & 1);
	}
	bool empty() const { return first_ == 0 && more_.empty(); }

	// Calls f(writer) for every writer, in increasing order.
	template<typename F>
	void forEach(F &&f) const
	{
		each(first_, 0, f);
		for (size_t w = 0; w < more_.size(); ++w)
			each(more_[w], (w + 1) * 64, f);
	}

	Writers &operator|=(const Writers &o)
	{
		first_ |= o.first_;
		if (!o.more_.empty()) [[unlikely]]
			uniteMore(o);
		return *this;
	}
	friend Writers operator|(Writers a, const Writers &b) { return a |= b; }
	bool operator==(const Writers &) const = default;

private:
	// Past 64 writers (a buffer with that many devices and planes): a word per 64 more. Kept out
	// of line so that the common case inlines into every fold.
	[[gnu::noinline]] void addMore(size_t writer)
	{
		const size_t word = writer / 64 - 1;
		if (more_.size() <= word)
			more_.resize(word + 1, 0);
		more_[word] |= uint64_t{ 1 } << (writer % 64);
	}
	[[gnu::noinline]] void uniteMore(const Writers &o)
	{
		if (more_.size() < o.more_.size())
			more_.resize(o.more_.size(), 0);
		for (size_t w = 0; w < o.more_.size(); ++w)
			more_[w] |= o.more_[w];
	}

	template<typename F>
	static void each(uint64_t bits, size_t base, F &f)
	{
		while (bits) {
			f(base + static_cast<size_t>(std::countr_zero(bits)));
			bits &= bits - 1;
		}
	}

	uint64_t first_ = 0;
	std::vector<uint64_t> more_; // writers 64 and up; never ends in a zero word
};

} // namespace heapsolve
