// SPDX-License-Identifier: Apache-2.0
// A bounded, thread-safe cache of solved buffers. It answers a request two ways:
//
// - By content, for a plain System the caller may change between calls (solveBuffer(System,...)).
//   The key is every byte the answer can depend on, written in a fixed binary form: the buffer
//   (name, format, size, count, protection, users, and where each was written, since plans and
//   conflicts cite it), the full content of every device a user names (its rules, IOMMU, access
//   to protected memory and all its planes), every heap (the answer lists all eligible heaps), the
//   board's memory (suggested CMA pools lie inside it) and the policy given. Entries are found by
//   a 64-bit hash of those bytes and then compared on the full bytes, so two different requests
//   can never share an entry, whatever the hash does. The entry key is the Plan detail (see
//   KeyDetail); a cached conflict also keeps its Full key, which a hit must match too (a conflict
//   cites every source, and its suggested pool is named apart from every device of the system).
//   A hit reads the whole request (about 1.5 KB for a 3-user buffer over 8 heaps).
//
// - By identity, for a SystemSnapshot (solveBuffer(SystemSnapshot,...)): the snapshot's content
//   cannot change and its id is never reused, so the key is (snapshot id, buffer index, policy)
//   and a hit reads none of the system. With the snapshot's own policy the policy part is left
//   out (it is immutable too); with any other policy it is the policy's canonical bytes, every
//   source included. The cache keeps only the id, not the snapshot: entries of a snapshot that is
//   gone are never hit again and age out like any other (or go at clear()).
//
// Both kinds of entry share one bound and one least-recently-used order: at most `capacity`
// entries over all shards (default kDefaultCapacity, about 1-4 KiB each for a typical buffer with
// its content key, the answer alone for an identity entry). Each of the shards (`capacity /
// shards` entries, at least one) has its own mutex and evicts its least recently used entry when
// full. All members may be called from any number of threads at once. Errors (overflowing input)
// are never cached. The cache does no I/O and reads no clock, like the rest of the solver.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "heapsolve/plan.h"
#include "heapsolve/result.h"
#include "heapsolve/system.h"
#include "heapsolve/system_snapshot.h"

namespace heapsolve {

// The canonical bytes of solving system.buffers[buffer] under `policy`: equal bytes mean an equal
// answer. KeyDetail::Plan holds every value the answer depends on and the sources a Plan cites
// (align.stride, align.height); whether the answer is a Plan or a Conflict, and the Plan itself,
// follow from it. KeyDetail::Full adds every source, the `written` flags, the board's memory and
// the names of all devices, which a conflict's explanation also cites or avoids.
enum class KeyDetail { Plan,
		       Full };
void canonicalRequest(const System &system, const Policy &policy, size_t buffer, KeyDetail detail, std::string &out);
std::string canonicalRequest(const System &system, const Policy &policy, size_t buffer,
			     KeyDetail detail = KeyDetail::Full);

class PlanCache
{
public:
	static constexpr size_t kDefaultCapacity = 4096;
	static constexpr size_t kDefaultShards = 8;

	explicit PlanCache(size_t capacity = kDefaultCapacity, size_t shards = kDefaultShards);
	PlanCache(const PlanCache &) = delete;
	PlanCache &operator=(const PlanCache &) = delete;

	// The same answer as solve(system, policy).buffers[buffer], explanations included (and the
	// same error, not cached, for input that overflows). `buffer` indexes system.buffers. The
	// answer is shared with the cache and immutable: a hit copies no string.
	using Answer = std::shared_ptr<const BufferResult>;
	Result<Answer> solveBuffer(const System &system, const Policy &policy, size_t buffer);

	// The same answer (or error) as solve(snapshot.system(), policy).buffers[buffer], keyed by
	// identity: a hit allocates nothing and reads neither the system nor, when `policy` is the
	// snapshot's own (the very object snapshot.policy() returns, through any copy), the policy.
	// Any other policy is keyed by its canonical bytes, values and sources: two policies share
	// an entry only when those are equal, and never with the own-policy entry. `buffer` indexes
	// snapshot->buffers. The cache does not keep the snapshot alive.
	Result<Answer> solveBuffer(const SystemSnapshot &snapshot, const Policy &policy, size_t buffer);
	// The same with the snapshot's own policy.
	Result<Answer> solveBuffer(const SystemSnapshot &snapshot, size_t buffer)
	{
		return solveBuffer(snapshot, snapshot.policy(), buffer);
	}

	struct Stats {
		uint64_t hits = 0;
		uint64_t misses = 0;
		uint64_t evictions = 0;
	};
	Stats stats() const;
	size_t size() const;
	size_t capacity() const { return shardCapacity_ * shards_.size(); }
	void clear();

private:
	// What a key's bytes are: a canonical request, or (snapshot id, buffer[, policy bytes]).
	enum class KeyKind : uint8_t { Content,
				       Identity };
	struct Entry {
		size_t hash;
		KeyKind kind;
		std::string key;
		std::string fullKey; // KeyDetail::Full of a content-keyed conflict; empty otherwise
		Answer result;
	};
	struct KeyRef {
		size_t hash;
		KeyKind kind;
		std::string_view bytes; // into Entry::key, stable while the entry lives
		bool operator==(const KeyRef &o) const
		{
			return hash == o.hash && kind == o.kind && bytes == o.bytes;
		}
	};
	struct KeyHash {
		size_t operator()(const KeyRef &k) const noexcept { return k.hash; }
	};
	// Never iterated: lookups only, so its unspecified order cannot leak into any answer.
	struct Shard {
		mutable std::mutex mutex;
		std::list<Entry> lru; // most recently used first
		std::unordered_map<KeyRef, std::list<Entry>::iterator, KeyHash> index;
		Stats stats;
	};

	Shard &shardFor(size_t hash) const;
	static Entry *touch(Shard &shard, const KeyRef &key);
	Answer find(Shard &shard, const KeyRef &key, const System &system, const Policy &policy, size_t buffer);
	Answer findIdentity(Shard &shard, const KeyRef &key);
	void insert(Shard &shard, const KeyRef &key, std::string fullKey, Answer result);

	size_t shardCapacity_;
	std::vector<std::unique_ptr<Shard>> shards_;
};

} // namespace heapsolve
