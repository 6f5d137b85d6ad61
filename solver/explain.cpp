// SPDX-License-Identifier: Apache-2.0
#include "solver/explain.h"

#include <algorithm>
#include <bit>
#include <map>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/sequential_vertex_coloring.hpp>

#include "constraints/checked.h"
#include "constraints/number.h"
#include "solver/buffer_solver.h"
#include "solver/graph.h"

namespace heapsolve {

namespace {

// The system reduced to one buffer, whose users, policy and heaps the explainer may change.
class Trial
{
public:
	// Only the devices the buffer's users name are copied (in system order): the trials never
	// look at others, and copying every device of a large system for each unsatisfiable buffer
	// made explanations grow with the system. Names that must stay unique are checked against
	// the whole system with nameTaken().
	Trial(const System &system, size_t buffer) : original_(system)
	{
		const Buffer &b = system.buffers[buffer];
		system_.files = system.files;
		system_.memory = system.memory;
		system_.heaps = system.heaps;
		for (const Device &d : system.devices) {
			bool used = d.name == b.producer.device;
			for (const UserRef &c : b.consumers)
				used = used || d.name == c.device;
			if (used)
				system_.devices.push_back(d);
		}
		system_.buffers = { b };
		system_.policy = system.policy;
	}

	System &system() { return system_; }
	// Whether a heap or device of the trial, or any device of the whole system, has this name.
	bool nameTaken(std::string_view name) const
	{
		return system_.findHeap(name) || original_.findDevice(name);
	}
	Buffer &buffer() { return system_.buffers[0]; }

	// Solves the (changed) buffer; an error (overflow) counts as unsolved.
	std::optional<BufferResult> solve(const Policy &policy, const Relaxation &relax = {}, BufferNeeds *needs = nullptr)
	{
		auto r = solveBufferWith(system_, policy, nullptr, 0, relax, needs);
		if (!r)
			return std::nullopt;
		return std::move(*r);
	}

private:
	const System &original_;
	System system_;
};

bool solved(const std::optional<BufferResult> &r)
{
	return r && r->ok();
}

// Deletion filter over the (user, rule) pairs the conflict names: drop each pair whose rule is
// not needed for the conflict to stand. What is left cannot hold together, and waiving any one
// of its pairs makes the buffer solve (waiving is monotone).
std::vector<Culprit> minimalConflict(Trial &trial, const Policy &policy, const Conflict &conflict)
{
	// A user's windows are named under `plane` and under `address`; waiving either drops the same
	// windows, so the two count as one item (the first culprit names it).
	auto item = [](const Culprit &c) { return std::pair{ c.user, c.rule == Rule::Plane ? Rule::Address : c.rule }; };
	std::vector<std::pair<std::string, Rule>> items;
	for (const Culprit &c : conflict.culprits)
		if (std::find(items.begin(), items.end(), item(c)) == items.end())
			items.push_back(item(c));
	std::vector<bool> kept(items.size(), true);
	for (size_t i = 0; i < items.size(); ++i) {
		Relaxation relax;
		for (size_t j = 0; j < items.size(); ++j) {
			if (j != i && kept[j])
				continue;
			relax.waived.push_back(items[j]);
			if (items[j].second == Rule::Address)
				relax.waived.emplace_back(items[j].first, Rule::Plane);
		}
		if (!solved(trial.solve(policy, relax)))
			kept[i] = false;
	}
	std::vector<Culprit> out;
	for (size_t j = 0; j < items.size(); ++j) {
		if (!kept[j])
			continue;
		for (const Culprit &c : conflict.culprits)
			if (item(c) == items[j]) {
				out.push_back(c);
				break;
			}
	}
	return out;
}

std::string userRole(size_t index)
{
	return index == 0 ? "producer" : "consumer";
}

// Fix 1: name one plane of a device whose planes' areas (or rules) do not all fit.
std::optional<std::string> suggestPlane(Trial &trial, const Policy &policy)
{
	Buffer original = trial.buffer();
	std::vector<UserRef *> users{ &trial.buffer().producer };
	for (UserRef &c : trial.buffer().consumers)
		users.push_back(&c);
	for (size_t u = 0; u < users.size(); ++u) {
		if (users[u]->plane)
			continue;
		const Device *d = trial.system().findDevice(users[u]->device);
		for (const Plane &p : d->planes) {
			users[u]->plane = p.name;
			auto r = trial.solve(policy);
			users[u]->plane.reset();
			if (r && r->ok())
				return "name the plane the buffer is for: write '" + d->name + "/" + p.name + "' instead of '" +
				       d->name + "' as the " + userRole(u) + " of buffer '" + original.name +
				       "'; it then goes to heap " + r->plan().heap.name + ".";
		}
	}
	return std::nullopt;
}

// Fix 2: allow a backend that the policy forbids.
std::optional<std::string> suggestBackend(Trial &trial, const Policy &policy)
{
	for (const auto &forbidden : policy.forbidBackends) {
		Policy allowed = policy;
		std::erase_if(allowed.forbidBackends, [&](const auto &f) { return f.value == forbidden.value; });
		auto r = trial.solve(allowed);
		if (!r || !r->ok())
			continue;
		const std::string name(backendName(forbidden.value));
		std::string caution = forbidden.value == Backend::DrmDumb
					      ? " (drm-dumb opens a DRM primary node: only where no compositor owns it)"
					      : "";
		return "allow the " + name + " backend: remove it from policy.forbid_backends (" +
		       forbidden.at.fileLine() + "); heap " + r->plan().heap.name + " is then used" + caution + ".";
	}
	return std::nullopt;
}

std::string cells(uint64_t v)
{
	return formatHex(v >> 32) + " " + formatHex(v & 0xffffffffu);
}

// Fix 4: a CMA heap placed where the users need it, as a per-region CMA heap (Linux 6.19 makes
// one heap per reserved-memory CMA region) created from a device-tree reserved-memory node.
std::optional<std::string> suggestHeap(Trial &trial, const Policy &policy, const BufferNeeds &needs)
{
	if (needs.usersConflict || !needs.cache || needs.total == 0)
		return std::nullopt;
	constexpr uint64_t kMiB = 1 << 20;
	auto poolSize = checkedAlignUp(needs.total, kMiB);
	if (!poolSize)
		return std::nullopt;
	// Where it may go: the users' windows, inside the board's memory when that is known.
	AddressWindows where = needs.windows;
	if (!trial.system().memory.empty())
		where = *merge(where, WindowList{ trial.system().memory, {} }.set());
	std::optional<AddressRange> range;
	if (where.isAnywhere())
		range = AddressRange{ 0, *poolSize };
	else
		for (const AddressRange &r : where.ranges())
			if (r.end - r.begin >= *poolSize) {
				range = r;
				break;
			}
	if (!range)
		return std::nullopt;

	const Buffer &b = trial.buffer();
	Heap h;
	h.name = b.name + "-pool";
	while (trial.nameTaken(h.name))
		h.name += "-new";
	h.at = b.at;
	h.backend = { Backend::DmaHeap, b.at, true };
	h.contiguous = { true, b.at, true };
	h.cached = { *needs.cache != CacheMode::Value::Uncached, b.at, true };
	h.isProtected = { b.isProtected.value, b.at, true };
	h.align = { needs.heapBaseAlign, b.at, true };
	h.regionsFrom = RegionsFrom::Written;
	h.regions = WindowList{ { Window{ range->begin, *poolSize, b.at } }, b.at };
	h.regionTotal = *poolSize;
	h.largestRegion = *poolSize;
	trial.system().heaps.push_back(h);
	auto r = trial.solve(policy);
	trial.system().heaps.pop_back();
	if (!r || !r->ok())
		return std::nullopt;

	std::string node = h.name;
	std::replace(node.begin(), node.end(), '-', '_');
	std::string text = "add a CMA heap of " + formatSize(*poolSize) + " inside " + AddressWindows::of({ *range }).describe() +
			   ": in the device tree, reserved-memory { " + node + ": " + h.name +
			   " { compatible = \"shared-dma-pool\"; reusable; size = <" + cells(*poolSize) + ">;";
	if (!where.isAnywhere())
		text += " alloc-ranges = <" + cells(range->begin) + " " + cells(range->end - range->begin) + ">;";
	if (needs.heapBaseAlign > 4096)
		text += " alignment = <" + cells(needs.heapBaseAlign) + ">;";
	text += " }; }; (Linux 6.19 and later expose it as /dev/dma_heap/" + h.name +
		"; older kernels only as the default CMA area, e.g. cma=" + std::to_string(*poolSize / kMiB) + "M";
	if (!where.isAnywhere())
		text += "@" + formatHex(range->begin) + "-" + formatHex(range->end);
	text += ") and describe it in heaps: {name: " + h.name + ", backend: dma-heap, contiguous: true" +
		(h.cached.value ? "" : ", cached: false") + (h.isProtected.value ? ", protected: true" : "") +
		// A heap's align defaults to page_size: written only when more is needed.
		(needs.heapBaseAlign > trial.system().pageSize.value ? ", align: " + formatSize(needs.heapBaseAlign) : "") +
		", regions: [{base: " + formatHex(range->begin) + ", size: " + formatSize(*poolSize) +
		"}]}; the buffer then goes to it.";
	return text;
}

// Fix 3: grow a CMA pool that fails only because of its `capacity`. The capacity asked for is
// count x size rounded up to 4 MiB: mm/cma.c cma_init_reserved_mem() takes only pools whose size
// is a multiple of CMA_MIN_ALIGNMENT_BYTES (PAGE_SIZE << pageblock_order: 4 MiB on 32-bit ARM,
// 2 MiB on arm64 with 4 KiB pages), so a reserved-memory `size` must be one. Heaps are tried in
// system order; the first whose grown capacity makes the buffer solve is the suggestion.
std::optional<std::string> suggestCapacity(Trial &trial, const Policy &policy, const BufferNeeds &needs)
{
	if (needs.usersConflict || needs.total == 0)
		return std::nullopt;
	constexpr uint64_t kCmaGranule = 4 << 20;
	auto grown = checkedAlignUp(needs.total, kCmaGranule);
	if (!grown)
		return std::nullopt;
	for (Heap &h : trial.system().heaps) {
		if (!h.capacity || h.capacity->value >= needs.total)
			continue;
		const Located<uint64_t> before = *h.capacity;
		h.capacity->value = *grown;
		auto r = trial.solve(policy);
		h.capacity = before;
		if (!r || !r->ok())
			continue;
		return "grow heap " + h.name + ": its capacity is " + formatSize(before.value) + " (" + before.at.fileLine() +
		       ") and the buffer needs count x size = " + std::to_string(needs.total) + " bytes; with capacity: " +
		       formatSize(*grown) +
		       " (rounded up to 4 MiB, as a CMA pool's size must be a multiple of CMA_MIN_ALIGNMENT_BYTES) it goes to heap " +
		       r->plan().heap.name + ". Raise the `size` of its reserved-memory node in the device tree to <" +
		       cells(*grown) + "> (or boot with cma=" + std::to_string(*grown >> 20) +
		       "M when it is the default CMA area) and write that capacity in heaps.";
	}
	return std::nullopt;
}

// Copy split: the fewest groups of users (the producer in the first) that each have a heap.
class Splitter
{
public:
	Splitter(Trial &trial, const Policy &policy) : trial_(trial), policy_(policy), original_(trial.buffer())
	{
		users_.push_back(original_.producer);
		for (const UserRef &c : original_.consumers)
			users_.push_back(c);
	}

	std::vector<SplitGroup> run();

private:
	// Whether the users in `mask` (bit 0: the producer) can share one buffer; memoized.
	const std::optional<std::string> &share(uint32_t mask);
	bool assign(size_t consumer, std::vector<uint32_t> &groups, size_t limit);

	Trial &trial_;
	const Policy &policy_;
	Buffer original_;
	std::vector<UserRef> users_;
	std::map<uint32_t, std::optional<std::string>> memo_; // mask -> heap when they can share
};

const std::optional<std::string> &Splitter::share(uint32_t mask)
{
	auto it = memo_.find(mask);
	if (it != memo_.end())
		return it->second;
	Buffer &b = trial_.buffer();
	b.consumers.clear();
	bool first = true;
	for (size_t u = 0; u < users_.size(); ++u) {
		if (!(mask & (1u << u)))
			continue;
		if (first)
			b.producer = users_[u];
		else
			b.consumers.push_back(users_[u]);
		first = false;
	}
	auto r = trial_.solve(policy_);
	b.producer = original_.producer;
	b.consumers = original_.consumers;
	std::optional<std::string> heap;
	if (r && r->ok())
		heap = r->plan().heap.name;
	return memo_.emplace(mask, heap).first->second;
}

bool Splitter::assign(size_t consumer, std::vector<uint32_t> &groups, size_t limit)
{
	if (consumer == users_.size())
		return true;
	const uint32_t bit = 1u << consumer;
	for (size_t g = 0; g < groups.size(); ++g) {
		if (!share(groups[g] | bit))
			continue;
		groups[g] |= bit;
		if (assign(consumer + 1, groups, limit))
			return true;
		groups[g] &= ~bit;
	}
	if (groups.size() < limit && share(bit)) {
		groups.push_back(bit);
		if (assign(consumer + 1, groups, limit))
			return true;
		groups.pop_back();
	}
	return false;
}

std::vector<SplitGroup> Splitter::run()
{
	const size_t n = users_.size();
	if (n < 2 || n > 16)
		return {};
	for (size_t u = 0; u < n; ++u)
		if (!share(1u << u))
			return {}; // a user that no heap satisfies alone: no copy helps

	// Conflict graph: an edge between two users that cannot share a buffer. A greedy coloring
	// gives a split to verify and an upper bound; an exact search then looks for fewer groups.
	using ConflictGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
	ConflictGraph graph(n);
	for (size_t a = 0; a < n; ++a)
		for (size_t b = a + 1; b < n; ++b)
			if (!share((1u << a) | (1u << b)))
				boost::add_edge(a, b, graph);
	std::vector<size_t> color(n);
	auto colorMap = boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, graph));
	const size_t colors = boost::sequential_vertex_coloring(graph, colorMap);

	std::vector<uint32_t> best;
	std::vector<uint32_t> byColor(colors, 0);
	for (size_t u = 0; u < n; ++u)
		byColor[color[u]] |= 1u << u;
	if (std::all_of(byColor.begin(), byColor.end(), [&](uint32_t m) { return share(m).has_value(); }))
		best = byColor;

	// The coloring lower-bounds nothing (a group of pairwise-compatible users may still fail
	// together), so search exactly from two groups up to the best known.
	const size_t upper = best.empty() ? n : best.size() - 1;
	for (size_t k = 2; k <= upper; ++k) {
		std::vector<uint32_t> groups{ 1u };
		if (assign(1, groups, k)) {
			best = groups;
			break;
		}
	}
	if (best.size() < 2)
		return {};
	// The producer's group first, the others in the order of their first user.
	std::sort(best.begin(), best.end(), [](uint32_t a, uint32_t b) { return std::countr_zero(a) < std::countr_zero(b); });
	std::vector<SplitGroup> out;
	for (uint32_t mask : best) {
		const std::optional<std::string> &heap = share(mask);
		if (!heap) // not taken: best holds only groups share() found a heap for
			continue;
		SplitGroup g{ *heap, {} };
		for (size_t u = 0; u < n; ++u)
			if (mask & (1u << u))
				g.users.push_back(users_[u].str());
		out.push_back(std::move(g));
	}
	return out;
}

std::string describeSplit(const std::vector<SplitGroup> &split)
{
	std::string text = "split the users into " + std::to_string(split.size()) + " buffers and copy between them: ";
	for (size_t i = 0; i < split.size(); ++i) {
		text += (i ? "; " : "") + std::string(i ? "a copy" : "the produced buffer") + " on heap " + split[i].heap + " for ";
		for (size_t u = 0; u < split[i].users.size(); ++u)
			text += (u ? ", " : "") + split[i].users[u];
	}
	return text + " (the copy or conversion goes after " + split[0].users[0] + " writes the buffer).";
}

// Fix 6: leave out a consumer that cannot share this buffer (e.g. one without access to protected
// memory), when the others then solve.
std::optional<std::string> suggestDropConsumer(Trial &trial, const Policy &policy)
{
	const std::vector<UserRef> consumers = trial.buffer().consumers;
	for (size_t c = 0; c < consumers.size(); ++c) {
		trial.buffer().consumers.erase(trial.buffer().consumers.begin() + c);
		auto r = trial.solve(policy);
		trial.buffer().consumers = consumers;
		if (r && r->ok())
			return "leave " + consumers[c].str() + " out of the consumers of buffer '" + trial.buffer().name +
			       "' (it cannot use this buffer, and no copy it could use is allowed); the others then share heap " +
			       r->plan().heap.name + ".";
	}
	return std::nullopt;
}

} // namespace

Result<void> explainConflict(const System &system, const Policy &policy, size_t buffer, Conflict &conflict)
{
	Trial trial(system, buffer);
	BufferNeeds needs;
	if (trial.solve(policy, {}, &needs) == std::nullopt)
		return {};

	conflict.minimal = minimalConflict(trial, policy, conflict);
	conflict.split = Splitter(trial, policy).run();

	if (auto s = suggestPlane(trial, policy))
		conflict.suggestion = s;
	else if (auto b = suggestBackend(trial, policy))
		conflict.suggestion = b;
	else if (auto g = suggestCapacity(trial, policy, needs))
		conflict.suggestion = g;
	else if (auto h = suggestHeap(trial, policy, needs))
		conflict.suggestion = h;
	else if (!conflict.split.empty())
		conflict.suggestion = describeSplit(conflict.split);
	else if (auto d = suggestDropConsumer(trial, policy))
		conflict.suggestion = d;
	return {};
}

Result<BufferResult> solveAndExplain(const System &system, const Policy &policy, const SystemGraph *graph, size_t buffer)
{
	auto r = solveBufferWith(system, policy, graph, buffer, Relaxation{}, nullptr);
	HEAPSOLVE_TRY_FRAME(r, "solving buffer '" + system.buffers[buffer].name + "'");
	if (!r->ok())
		HEAPSOLVE_TRY(explainConflict(system, policy, buffer, std::get<Conflict>(r->outcome)));
	return r;
}

} // namespace heapsolve
