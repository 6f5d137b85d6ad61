// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/plan_cache.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "solver/explain.h"
#include "solver/graph.h"

namespace heapsolve {

namespace {

// A fixed binary form: integers as 8 raw bytes, strings length-first, lists count-first,
// optionals with a presence byte. Every field is written in declaration order, so no two
// different requests give the same bytes (each field's length is known from what precedes it).
// With KeyDetail::Plan, sources and `written` flags are left out except where a Plan cites them.
class Writer
{
public:
	// Writes into `out` from its start; finish() trims it to what was written. The buffer keeps
	// its capacity from call to call, so writing allocates only when a key outgrows it.
	Writer(std::string &out, KeyDetail detail) : out_(out), full_(detail == KeyDetail::Full)
	{
		out_.resize(std::max<size_t>(out_.capacity(), 1024));
		data_ = out_.data();
		room_ = out_.size();
	}
	void finish() { out_.resize(pos_); }

	// Fixed sizes inline to a single store; growing is the rare, out-of-line case.
	[[gnu::always_inline]] void bytes(const void *p, size_t n)
	{
		if (room_ - pos_ < n) [[unlikely]]
			grow(n);
		std::memcpy(data_ + pos_, p, n);
		pos_ += n;
	}
	[[gnu::noinline]] void grow(size_t n)
	{
		out_.resize(std::max(2 * out_.size(), pos_ + n));
		data_ = out_.data();
		room_ = out_.size();
	}
	void u64(uint64_t v) { bytes(&v, sizeof v); }
	void flag(bool v)
	{
		const char c = v ? '\1' : '\0';
		bytes(&c, 1);
	}
	void str(std::string_view s)
	{
		// One length byte for the usual short names; 0xff then 8 bytes otherwise.
		if (s.size() < 0xff) {
			const char n = static_cast<char>(s.size());
			bytes(&n, 1);
		} else {
			const char n = '\xff';
			bytes(&n, 1);
			u64(s.size());
		}
		bytes(s.data(), s.size());
	}
	// A source every answer may cite (a Plan's adjustments cite align.height and align.stride).
	void citedSource(const Source &s)
	{
		str(s.file);
		u64(static_cast<uint64_t>(static_cast<int64_t>(s.line)));
		u64(static_cast<uint64_t>(static_cast<int64_t>(s.column)));
	}
	// A source only conflicts cite.
	void source(const Source &s)
	{
		if (full_)
			citedSource(s);
	}
	template<typename T>
	void located(const Located<T> &l, auto &&value)
	{
		value(l.value);
		source(l.at);
		if (full_)
			flag(l.written);
	}
	void locatedU64(const Located<uint64_t> &l)
	{
		located(l, [&](uint64_t v) { u64(v); });
	}
	void locatedBool(const Located<bool> &l)
	{
		located(l, [&](bool v) { flag(v); });
	}
	template<typename T>
	void optional(const std::optional<T> &o, auto &&value)
	{
		flag(o.has_value());
		if (o)
			value(*o);
	}
	void names(const std::vector<std::string> &v)
	{
		u64(v.size());
		for (const std::string &s : v)
			str(s);
	}
	void windowList(const WindowList &w)
	{
		u64(w.windows.size());
		for (const Window &x : w.windows) {
			u64(x.base);
			u64(x.size);
			source(x.at);
		}
		source(w.at);
	}
	void rules(const RuleSet &r)
	{
		optional(r.address, [&](const WindowList &w) { windowList(w); });
		optional(r.contiguous, [&](const Located<bool> &l) { locatedBool(l); });
		optional(r.alignBase, [&](const Located<uint64_t> &l) { locatedU64(l); });
		for (const auto *cited : { &r.alignStride, &r.alignHeight })
			optional(*cited, [&](const Located<uint64_t> &l) {
				locatedU64(l);
				if (!full_)
					citedSource(l.at);
			});
		optional(r.alignSize, [&](const Located<uint64_t> &l) { locatedU64(l); });
		optional(r.maxStride, [&](const Located<uint64_t> &l) { locatedU64(l); });
		for (const auto *n : { &r.formats, &r.modifiers })
			optional(*n, [&](const Located<std::vector<std::string>> &l) {
				located(l, [&](const std::vector<std::string> &v) { names(v); });
			});
		optional(r.cache, [&](const Located<CacheMode::Value> &l) {
			located(l, [&](CacheMode::Value v) { u64(static_cast<uint64_t>(v)); });
		});
		// `derived` changes the layout.
		optional(r.chromaStride, [&](const Located<ChromaStride> &l) {
			located(l, [&](ChromaStride v) { u64(static_cast<uint64_t>(v)); });
		});
		// A mapping gives the modifier list per format, and refuses the formats it leaves out.
		optional(r.modifiersPerFormat, [&](const Located<std::vector<FormatModifiers>> &l) {
			located(l, [&](const std::vector<FormatModifiers> &v) {
				u64(v.size());
				for (const FormatModifiers &f : v) {
					str(f.format);
					source(f.at);
					located(f.modifiers, [&](const std::vector<std::string> &m) { names(m); });
				}
			});
		});
	}
	void device(const Device &d)
	{
		str(d.name);
		source(d.at);
		located(d.kind, [&](DeviceKind k) { u64(static_cast<uint64_t>(k)); });
		locatedBool(d.iommu);
		locatedBool(d.canAccessProtected);
		rules(d.rules);
		u64(d.planes.size());
		for (const Plane &p : d.planes) {
			str(p.name);
			source(p.at);
			rules(p.rules);
		}
	}
	void user(const System &system, const UserRef &u)
	{
		str(u.device);
		optional(u.plane, [&](const std::string &p) { str(p); });
		source(u.at);
		// The loader resolved every name; an unknown one (a hand-built System) is written as such.
		const Device *d = system.findDevice(u.device);
		flag(d != nullptr);
		if (d)
			device(*d);
	}
	void heap(const Heap &h)
	{
		str(h.name);
		source(h.at);
		located(h.backend, [&](Backend b) { u64(static_cast<uint64_t>(b)); });
		optional(h.path, [&](const Located<std::string> &l) { located(l, [&](const std::string &s) { str(s); }); });
		locatedBool(h.contiguous);
		u64(static_cast<uint64_t>(h.regionsFrom));
		windowList(h.regions);
		locatedBool(h.cached);
		locatedBool(h.isProtected);
		locatedU64(h.align);
		optional(h.maxBuffer, [&](const Located<uint64_t> &l) { locatedU64(l); });
		optional(h.capacity, [&](const Located<uint64_t> &l) { locatedU64(l); });
		u64(h.regionTotal);
		u64(h.largestRegion);
	}
	void policy(const Policy &p)
	{
		u64(p.prefer.size());
		for (const auto &name : p.prefer)
			located(name, [&](const std::string &s) { str(s); });
		u64(p.forbidBackends.size());
		for (const auto &f : p.forbidBackends)
			located(f, [&](Backend v) { u64(static_cast<uint64_t>(v)); });
		if (full_)
			optional(p.at, [&](const Source &s) { source(s); });
	}

private:
	std::string &out_;
	char *data_ = nullptr;
	size_t room_ = 0;
	size_t pos_ = 0;
	const bool full_;
};

// FNV-1a over 8-byte words, then MurmurHash3's finalizer: one multiply per word. Only picks the
// shard and bucket; entries are told apart by comparing the full bytes.
size_t hashKey(std::string_view key)
{
	uint64_t h = 0xcbf29ce484222325ull ^ key.size();
	size_t i = 0;
	for (; i + 8 <= key.size(); i += 8) {
		uint64_t w;
		std::memcpy(&w, key.data() + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
	}
	uint64_t tail = 0;
	// A variable-length memcpy is a libc call; identity keys (two words) have no tail to copy.
	if (i != key.size())
		std::memcpy(&tail, key.data() + i, key.size() - i);
	h = (h ^ tail) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return static_cast<size_t>(h);
}

} // namespace

void canonicalRequest(const System &system, const Policy &policy, size_t buffer, KeyDetail detail, std::string &out)
{
	Writer w(out, detail);
	w.str(detail == KeyDetail::Full ? "heapsolve-request-full-1" : "heapsolve-request-plan-1");

	const Buffer &b = system.buffers[buffer];
	w.str(b.name);
	w.source(b.at);
	w.located(b.format, [&](const FormatInfo *f) { w.str(f ? f->name : std::string_view{}); });
	w.locatedU64(b.width);
	w.locatedU64(b.height);
	w.locatedU64(b.count);
	w.locatedBool(b.isProtected);
	w.user(system, b.producer);
	w.u64(b.consumers.size());
	for (const UserRef &c : b.consumers)
		w.user(system, c);
	// The page size starts A_base and the heap alignment rule: it changes plans.
	w.u64(system.pageSize.value);

	w.u64(system.heaps.size());
	for (const Heap &h : system.heaps)
		w.heap(h);

	w.policy(policy);

	if (detail == KeyDetail::Plan) {
		w.finish();
		return;
	}
	// Suggested CMA pools lie inside the board's memory and are named apart from every device.
	w.u64(system.memory.size());
	for (const Window &m : system.memory) {
		w.u64(m.base);
		w.u64(m.size);
		w.source(m.at);
	}
	w.u64(system.devices.size());
	for (const Device &d : system.devices)
		w.str(d.name);
	w.finish();
}

std::string canonicalRequest(const System &system, const Policy &policy, size_t buffer, KeyDetail detail)
{
	std::string out;
	canonicalRequest(system, policy, buffer, detail, out);
	return out;
}

namespace {

// (id, buffer, policy) for a policy that is not the snapshot's own: the policy with every source,
// since a conflict may cite where a preference or a forbidden backend was written.
void identityKey(uint64_t id, size_t buffer, const Policy &policy, std::string &out)
{
	Writer w(out, KeyDetail::Full);
	w.u64(id);
	w.u64(static_cast<uint64_t>(buffer));
	w.policy(policy);
	w.finish();
}

} // namespace

PlanCache::PlanCache(size_t capacity, size_t shards)
{
	if (capacity == 0)
		capacity = 1;
	shards = std::clamp<size_t>(shards, 1, capacity);
	shardCapacity_ = capacity / shards;
	for (size_t i = 0; i < shards; ++i)
		shards_.push_back(std::make_unique<Shard>());
}

PlanCache::Shard &PlanCache::shardFor(size_t hash) const
{
	// The low bits pick the bucket inside a shard; the high bits pick the shard.
	return *shards_[(hash >> 48) % shards_.size()];
}

PlanCache::Entry *PlanCache::touch(Shard &shard, const KeyRef &key)
{
	auto it = shard.index.find(key);
	if (it == shard.index.end())
		return nullptr;
	shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
	return &*it->second;
}

PlanCache::Answer PlanCache::find(Shard &shard, const KeyRef &key, const System &system, const Policy &policy,
				  size_t buffer)
{
	std::unique_lock lock(shard.mutex);
	const Entry *e = touch(shard, key);
	if (!e)
		return nullptr;
	Answer answer = e->result;
	if (answer->ok()) {
		++shard.stats.hits;
		return answer;
	}
	// A conflict also cites sources and names its plan key leaves out: compare those too.
	lock.unlock();
	const std::string full = canonicalRequest(system, policy, buffer, KeyDetail::Full);
	lock.lock();
	auto again = shard.index.find(key);
	if (again == shard.index.end() || again->second->fullKey != full || again->second->result != answer)
		return nullptr;
	++shard.stats.hits;
	return answer;
}

PlanCache::Answer PlanCache::findIdentity(Shard &shard, const KeyRef &key)
{
	// The key names immutable content completely: no second comparison, conflicts included.
	std::lock_guard lock(shard.mutex);
	const Entry *e = touch(shard, key);
	if (!e)
		return nullptr;
	++shard.stats.hits;
	return e->result;
}

void PlanCache::insert(Shard &shard, const KeyRef &key, std::string fullKey, Answer result)
{
	std::lock_guard lock(shard.mutex);
	++shard.stats.misses;
	if (auto it = shard.index.find(key); it != shard.index.end()) {
		// Another thread solved it meanwhile, or a conflict's sources changed: keep the newest.
		it->second->fullKey = std::move(fullKey);
		it->second->result = std::move(result);
		shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
		return;
	}
	if (shard.lru.size() >= shardCapacity_) {
		const Entry &victim = shard.lru.back();
		shard.index.erase(KeyRef{ victim.hash, victim.kind, victim.key });
		shard.lru.pop_back();
		++shard.stats.evictions;
	}
	shard.lru.push_front(Entry{ key.hash, key.kind, std::string(key.bytes), std::move(fullKey), std::move(result) });
	const Entry &e = shard.lru.front();
	shard.index.emplace(KeyRef{ e.hash, e.kind, e.key }, shard.lru.begin());
}

Result<PlanCache::Answer> PlanCache::solveBuffer(const System &system, const Policy &policy, size_t buffer)
{
	// Built in a per-thread buffer: a hit allocates nothing.
	thread_local std::string key;
	canonicalRequest(system, policy, buffer, KeyDetail::Plan, key);
	const KeyRef ref{ hashKey(key), KeyKind::Content, key };
	Shard &shard = shardFor(ref.hash);
	if (Answer hit = find(shard, ref, system, policy, buffer))
		return hit;

	auto r = solveAndExplain(system, policy, nullptr, buffer);
	HEAPSOLVE_TRY(r);
	auto answer = std::make_shared<const BufferResult>(std::move(*r));
	insert(shard, ref, answer->ok() ? std::string() : canonicalRequest(system, policy, buffer, KeyDetail::Full),
	       answer);
	return answer;
}

Result<PlanCache::Answer> PlanCache::solveBuffer(const SystemSnapshot &snapshot, const Policy &policy, size_t buffer)
{
	// The key: id and buffer index as two 8-byte words; with a policy other than the snapshot's
	// own, its Full canonical bytes follow (so the two forms differ in length and never meet).
	// The own-policy key lives on the stack; the other is written into a per-thread buffer.
	const uint64_t words[2] = { snapshot.id(), static_cast<uint64_t>(buffer) };
	std::string_view bytes(reinterpret_cast<const char *>(words), sizeof words);
	if (&policy != &snapshot.policy()) {
		thread_local std::string withPolicy;
		identityKey(snapshot.id(), buffer, policy, withPolicy);
		bytes = withPolicy;
	}
	const KeyRef ref{ hashKey(bytes), KeyKind::Identity, bytes };
	Shard &shard = shardFor(ref.hash);
	if (Answer hit = findIdentity(shard, ref))
		return hit;

	auto r = solveAndExplain(snapshot.system(), policy, nullptr, buffer);
	HEAPSOLVE_TRY(r);
	auto answer = std::make_shared<const BufferResult>(std::move(*r));
	insert(shard, ref, std::string(), answer);
	return answer;
}

PlanCache::Stats PlanCache::stats() const
{
	Stats out;
	for (const auto &s : shards_) {
		std::lock_guard lock(s->mutex);
		out.hits += s->stats.hits;
		out.misses += s->stats.misses;
		out.evictions += s->stats.evictions;
	}
	return out;
}

size_t PlanCache::size() const
{
	size_t n = 0;
	for (const auto &s : shards_) {
		std::lock_guard lock(s->mutex);
		n += s->lru.size();
	}
	return n;
}

void PlanCache::clear()
{
	for (const auto &s : shards_) {
		std::lock_guard lock(s->mutex);
		s->index.clear();
		s->lru.clear();
		s->stats = {};
	}
}

} // namespace heapsolve
