// SPDX-License-Identifier: Apache-2.0
// Per buffer: gather the rule sources of its users from the graph, merge them kind by kind, lay the
// buffer out, then judge every heap. What fails is recorded with who asked for what and where.
#include "heapsolve/solver.h"

#include <algorithm>
#include <deque>
#include <limits>

#include <range/v3/algorithm/any_of.hpp>
#include <range/v3/view/filter.hpp>

#include "constraints/checked.h"
#include "constraints/number.h"
#include "solver/buffer_solver.h"
#include "solver/explain.h"
#include "solver/graph.h"
#include "solver/layout.h"

namespace heapsolve {

std::string_view ruleName(Rule r)
{
	switch (r) {
	case Rule::Address:
		return "address";
	case Rule::Contiguous:
		return "contiguous";
	case Rule::Align:
		return "align";
	case Rule::Stride:
		return "stride";
	case Rule::Format:
		return "format";
	case Rule::Modifier:
		return "modifier";
	case Rule::Cache:
		return "cache";
	case Rule::Protected:
		return "protected";
	case Rule::Size:
		return "size";
	case Rule::Backend:
		return "backend";
	case Rule::Plane:
		return "plane";
	}
	return "?";
}

bool Relaxation::waives(std::string_view who, Rule rule) const
{
	for (const auto &[name, r] : waived)
		if (r == rule && name == who)
			return true;
	return false;
}

bool Solution::allSolved() const
{
	return std::all_of(buffers.begin(), buffers.end(), [](const BufferResult &b) { return b.ok(); });
}

namespace {

std::string cacheWord(CacheMode::Value v)
{
	return CacheMode{ v }.describe();
}

// What every user of one buffer asks for, merged, with enough bookkeeping to name culprits.
class BufferSolver
{
public:
	// Without a graph, the users are resolved by name and heap regions computed when needed.
	BufferSolver(const System &system, const Policy &policy, const SystemGraph *graph, size_t index,
		     const Relaxation &relax)
		: system_(system), policy_(policy), relax_(relax), graph_(graph), buffer_(system.buffers[index]),
		  sources_(graph ? graph->sourcesOf(index) : SystemGraph::sourcesOf(system, index))
	{
		if (!relax.waived.empty())
			applyRelaxation();
	}

	Result<BufferResult> run();
	BufferNeeds needs() const
	{
		return BufferNeeds{ windows_, contiguous_, heapBaseAlign_, cache_, layout_.size, total_, usersConflict_ };
	}

private:
	void applyRelaxation();
	void addCulprit(std::string user, Rule rule, std::string detail, const Source &at)
	{
		Culprit c{ std::move(user), rule, std::move(detail), at };
		if (std::find(conflict_.culprits.begin(), conflict_.culprits.end(), c) == conflict_.culprits.end())
			conflict_.culprits.push_back(std::move(c));
	}
	void addWindowCulprits(Rule rule, const std::vector<size_t> &users);

	// Between users, whatever the heap.
	void mergeWindows();
	void checkFormat();
	void mergeModifiers();
	void mergeCache();
	void checkProtectedUsers();
	Result<void> mergeAlignment();
	void checkStride();

	// Per heap: the conditions of eligibility. Returns whether the heap is eligible.
	bool judgeHeap(size_t index, bool record);
	std::vector<const Heap *> orderEligible(const std::vector<const Heap *> &eligible) const;

	Result<void> bad(const std::string &what) const
	{
		return parseError(buffer_.at, "buffer '" + buffer_.name + "': " + what);
	}

	const System &system_;
	const Policy &policy_;
	const Relaxation &relax_;
	const SystemGraph *graph_;
	const Buffer &buffer_;
	std::vector<RuleSource> sources_;
	std::deque<RuleSet> overrides_; // the rule sets of sources with waived rules
	size_t userCount_ = 0;

	Conflict conflict_;
	bool usersConflict_ = false;

	AddressWindows windows_;              // intersection over users without IOMMU
	std::vector<size_t> windowUsers_;     // users (without IOMMU) that bring windows
	bool contiguous_ = false;
	Alignment align_;                     // A_base includes the 4096-byte page
	uint64_t heapBaseAlign_ = 4096;       // lcm(4096, base alignments of users without IOMMU)
	std::optional<CacheMode::Value> cache_; // nullopt: cached and uncached both asked
	std::string modifier_;
	Layout layout_;
	uint64_t total_ = 0;                  // count x size
};

void BufferSolver::applyRelaxation()
{
	for (RuleSource &s : sources_) {
		RuleSet rules = s.rules();
		bool changed = false;
		auto waive = [&](Rule rule, auto &field) {
			if (field && relax_.waives(s.label, rule)) {
				field.reset();
				changed = true;
			}
		};
		if (rules.address && (relax_.waives(s.label, Rule::Address) || relax_.waives(s.label, Rule::Plane))) {
			rules.address.reset();
			changed = true;
		}
		waive(Rule::Contiguous, rules.contiguous);
		waive(Rule::Align, rules.alignBase);
		waive(Rule::Stride, rules.maxStride);
		waive(Rule::Format, rules.formats);
		waive(Rule::Modifier, rules.modifiers);
		waive(Rule::Cache, rules.cache);
		if (changed) {
			overrides_.push_back(std::move(rules));
			s.override = &overrides_.back();
		}
		s.protectionWaived = !s.plane && relax_.waives(s.label, Rule::Protected);
	}
}

void BufferSolver::addWindowCulprits(Rule rule, const std::vector<size_t> &users)
{
	for (const RuleSource &s : sources_) {
		if (s.iommu() || !s.rules().address)
			continue;
		if (std::find(users.begin(), users.end(), s.user) == users.end())
			continue;
		addCulprit(s.label, rule, "needs " + s.rules().address->set().describe(), s.rules().address->at);
	}
}

void BufferSolver::mergeWindows()
{
	// Each user's own windows first: the device's and its planes'. A user whose device and plane
	// windows do not meet is a plane conflict; the other users are then checked among themselves.
	std::vector<size_t> betweenUsers;
	AddressWindows between; // the windows of the users without a plane conflict
	for (size_t u = 0; u < userCount_; ++u) {
		AddressWindows own;
		bool brings = false;
		for (const RuleSource &s : sources_) {
			if (s.user != u || s.iommu() || !s.rules().address)
				continue;
			// The first user's windows are taken as they are, not intersected with "anywhere".
			own = own.isAnywhere() ? s.rules().address->set() : *merge(own, s.rules().address->set());
			brings = true;
		}
		if (!brings)
			continue;
		windowUsers_.push_back(u);
		windows_ = *merge(windows_, own);
		if (own.isEmpty()) {
			usersConflict_ = true;
			addWindowCulprits(Rule::Plane, { u });
			std::string areas;
			for (const RuleSource &s : sources_)
				if (s.user == u && !s.iommu() && s.rules().address)
					areas += (areas.empty() ? "" : ", ") + s.label + " " + s.rules().address->set().describe();
			conflict_.explanation.push_back(
				"No address lies in every area that " +
				(u == 0 ? buffer_.producer.str() : buffer_.consumers[u - 1].str()) + " brings (" + areas +
				"); name one plane as the user (device/plane) if the buffer is for one of them.");
		} else {
			betweenUsers.push_back(u);
			between = *merge(between, own);
		}
	}
	if (betweenUsers.size() >= 2 && between.isEmpty()) {
		usersConflict_ = true;
		addWindowCulprits(Rule::Address, betweenUsers);
		conflict_.explanation.push_back("The address windows of the users do not meet: no address is "
						"reachable by all of them.");
	}
}

void BufferSolver::checkFormat()
{
	const std::string format(buffer_.format.value->name);
	for (const RuleSource &s : sources_) {
		const auto &f = s.rules().formats;
		// FormatSet::of(f->value).accepts(format), without copying the list.
		if (!f || std::find(f->value.begin(), f->value.end(), format) != f->value.end())
			continue;
		usersConflict_ = true;
		addCulprit(s.label, Rule::Format, "accepts " + FormatSet::of(f->value).describe() + ", not " + format,
			   f->at);
		conflict_.explanation.push_back(s.label + " does not accept format " + format + " (it accepts " +
						FormatSet::of(f->value).describe() + ").");
	}
}

void BufferSolver::mergeModifiers()
{
	// The modifier rule, merge(a, b) = the set intersection, folded over the users on views of
	// their lists: only membership and emptiness are read below, and copying every user's list
	// of names for each buffer cost more than the intersection itself.
	std::optional<std::vector<std::string_view>> common; // nullopt: any modifier
	for (const RuleSource &s : sources_) {
		const auto &m = s.rules().modifiers;
		if (!m)
			continue;
		if (!common) {
			common.emplace(m->value.begin(), m->value.end());
			continue;
		}
		std::erase_if(*common, [&](std::string_view name) {
			return std::find(m->value.begin(), m->value.end(), name) == m->value.end();
		});
	}
	auto accepted = [&](std::string_view name) {
		return !common || std::find(common->begin(), common->end(), name) != common->end();
	};
	if (common && common->empty()) {
		usersConflict_ = true;
		for (const RuleSource &s : sources_)
			if (const auto &m = s.rules().modifiers)
				addCulprit(s.label, Rule::Modifier, "accepts " + ModifierSet::of(m->value).describe(), m->at);
		conflict_.explanation.push_back("No format modifier is accepted by every user.");
		return;
	}
	if (accepted(kLinearModifier)) {
		modifier_ = std::string(kLinearModifier);
		return;
	}
	// The first of the producer's modifiers (its device's list, in order) that everyone accepts.
	for (const std::string &m : sources_.front().device->rules.modifiers->value) {
		if (accepted(m)) {
			modifier_ = m;
			return;
		}
	}
}

void BufferSolver::mergeCache()
{
	bool cached = false, uncached = false;
	for (const RuleSource &s : sources_) {
		if (!s.rules().cache)
			continue;
		cached |= s.rules().cache->value == CacheMode::Value::Cached;
		uncached |= s.rules().cache->value == CacheMode::Value::Uncached;
	}
	if (cached && uncached) {
		cache_.reset();
		usersConflict_ = true;
		for (const RuleSource &s : sources_)
			if (const auto &c = s.rules().cache; c && c->value != CacheMode::Value::Any)
				addCulprit(s.label, Rule::Cache, "needs a " + cacheWord(c->value) + " mapping", c->at);
		conflict_.explanation.push_back("Some users need a cached CPU mapping and others an uncached one.");
		return;
	}
	cache_ = cached ? CacheMode::Value::Cached : uncached ? CacheMode::Value::Uncached : CacheMode::Value::Any;
}

void BufferSolver::checkProtectedUsers()
{
	if (!buffer_.isProtected.value)
		return;
	for (const RuleSource &s : sources_) {
		if (s.plane || s.canAccessProtected())
			continue;
		usersConflict_ = true;
		addCulprit(s.device->name, Rule::Protected, "cannot access protected memory", s.device->canAccessProtected.at);
		conflict_.explanation.push_back(s.device->name + " cannot access protected memory, but buffer " +
						buffer_.name + " is protected.");
	}
}

Result<void> BufferSolver::mergeAlignment()
{
	align_.base = 4096;
	for (const RuleSource &s : sources_) {
		const RuleSet &r = s.rules();
		Alignment a;
		a.base = r.alignBase ? r.alignBase->value : 1;
		a.stride = r.alignStride ? r.alignStride->value : 1;
		a.height = r.alignHeight ? r.alignHeight->value : 1;
		a.size = r.alignSize ? r.alignSize->value : 1;
		auto merged = merge(align_, a);
		if (!merged)
			return std::unexpected(placed(std::move(merged).error(), buffer_.at, "buffer '" + buffer_.name + "': "));
		align_ = *merged;
		if (!s.iommu() && r.alignBase) {
			auto base = checkedLcm(heapBaseAlign_, r.alignBase->value);
			if (!base)
				return std::unexpected(Error(OverflowError{
					buffer_.at, "buffer '" + buffer_.name + "': the common multiple of the base alignments" }));
			heapBaseAlign_ = *base;
		}
	}
	return {};
}

void BufferSolver::checkStride()
{
	uint64_t widest = 0;
	for (const PlaneLayout &p : layout_.planes)
		widest = std::max(widest, p.stride);
	for (const RuleSource &s : sources_) {
		const auto &m = s.rules().maxStride;
		if (!m || m->value >= widest)
			continue;
		usersConflict_ = true;
		addCulprit(s.label, Rule::Stride,
			   "max_stride " + std::to_string(m->value) + " < stride " + std::to_string(widest), m->at);
		conflict_.explanation.push_back(s.label + " can program strides up to " + std::to_string(m->value) +
						" bytes, but the buffer needs " + std::to_string(widest) + ".");
	}
}

bool BufferSolver::judgeHeap(size_t index, bool record)
{
	const Heap &heap = system_.heaps[index];
	bool eligible = true;
	// Details and reasons are words for people: built only when recording (for an unsatisfiable
	// buffer), never while merely testing eligibility, which every buffer does for every heap.
	auto fail = [&](Rule rule, auto &&detail, const Source &at) {
		eligible = false;
		if (record)
			addCulprit(heap.name, rule, detail(), at);
	};
	std::vector<std::string> reasons;
	auto reason = [&](auto &&words) {
		if (record)
			reasons.push_back(words());
	};
	// A waived heap condition is treated as met.
	auto waived = [&](Rule rule) { return relax_.waives(heap.name, rule); };
	auto imposedBy = [&](Rule rule, auto &&pred, auto &&describe, auto &&at) {
		if (!record)
			return;
		for (const RuleSource &s : sources_ | ranges::views::filter(pred))
			addCulprit(s.label, rule, describe(s), at(s));
	};

	// [backend] The policy may forbid a backend (e.g. never open a DRM primary node).
	if (policy_.forbids(heap.backend.value) && !waived(Rule::Backend)) {
		fail(Rule::Backend,
		     [&] { return "backend " + std::string(backendName(heap.backend.value)) + " is forbidden by the policy"; },
		     heap.backend.at);
		reason([&] { return "its backend " + std::string(backendName(heap.backend.value)) + " is forbidden"; });
	}
	// [contiguous]
	if (contiguous_ && !heap.contiguous.value && !waived(Rule::Contiguous)) {
		imposedBy(
			Rule::Contiguous,
			[](const RuleSource &s) { return !s.iommu() && s.rules().contiguous && s.rules().contiguous->value; },
			[](const RuleSource &) { return std::string("needs physically contiguous memory"); },
			[](const RuleSource &s) { return s.rules().contiguous->at; });
		fail(Rule::Contiguous, [] { return std::string("not contiguous"); }, heap.contiguous.at);
		reason([] { return std::string("it is not physically contiguous"); });
	}
	// [address] Every address of the heap's regions must lie in the users' windows.
	if (!windows_.isAnywhere() && !waived(Rule::Address)) {
		const bool known = heap.regionsFrom != RegionsFrom::Unknown;
		if (!known || !windows_.contains(graph_ ? graph_->heapRegions(index) : heap.regions.set())) {
			if (record)
				addWindowCulprits(Rule::Address, windowUsers_);
			fail(Rule::Address,
			     [&] { return known ? "heap regions " + heap.regions.set().describe() : std::string("regions unknown"); },
			     heap.regionsFrom == RegionsFrom::Written ? heap.regions.at : heap.at);
			reason([&] {
				return known ? "its regions " + heap.regions.set().describe() + " leave " + windows_.describe()
					     : "its regions are unknown, so nothing says they lie in " + windows_.describe();
			});
		}
	}
	// [cache] cached: true fails `uncached`, false fails `cached`; a cache conflict fails both.
	const bool failsCache = heap.cached.value ? (!cache_ || *cache_ == CacheMode::Value::Uncached)
						  : (!cache_ || *cache_ == CacheMode::Value::Cached);
	if (failsCache && !waived(Rule::Cache)) {
		const CacheMode::Value opposite = heap.cached.value ? CacheMode::Value::Uncached : CacheMode::Value::Cached;
		imposedBy(
			Rule::Cache,
			[&](const RuleSource &s) { return s.rules().cache && s.rules().cache->value == opposite; },
			[&](const RuleSource &) { return "needs a " + cacheWord(opposite) + " mapping"; },
			[](const RuleSource &s) { return s.rules().cache->at; });
		fail(Rule::Cache, [&] { return std::string(heap.cached.value ? "maps cached" : "maps uncached"); },
		     heap.cached.at);
		reason([&] { return std::string("its CPU mapping is ") + (heap.cached.value ? "cached" : "uncached"); });
	}
	// [protected] Protection must match the buffer's, both ways.
	if (heap.isProtected.value != buffer_.isProtected.value && !waived(Rule::Protected)) {
		fail(Rule::Protected,
		     [&] {
			     return std::string(heap.isProtected.value ? "protected heap, unprotected buffer"
								       : "unprotected heap, protected buffer");
		     },
		     heap.isProtected.at);
		reason([&] {
			return std::string(heap.isProtected.value ? "it is protected and the buffer is not"
								  : "it is not protected and the buffer is");
		});
	}
	// [align] The heap guarantees `align` for a buffer's start; users without IOMMU need more.
	if (heap.align.value % heapBaseAlign_ != 0 && !waived(Rule::Align)) {
		imposedBy(
			Rule::Align,
			[&](const RuleSource &s) {
				return !s.iommu() && s.rules().alignBase && heap.align.value % s.rules().alignBase->value != 0;
			},
			[](const RuleSource &s) { return "needs base alignment " + formatSize(s.rules().alignBase->value); },
			[](const RuleSource &s) { return s.rules().alignBase->at; });
		fail(Rule::Align, [&] { return "aligns buffers to " + formatSize(heap.align.value); }, heap.align.at);
		reason([&] { return "it aligns buffers to " + formatSize(heap.align.value) + ", not " + formatSize(heapBaseAlign_); });
	}
	// [size]
	const bool sizeWaived = waived(Rule::Size);
	if (heap.maxBuffer && layout_.size > heap.maxBuffer->value && !sizeWaived) {
		fail(Rule::Size,
		     [&] { return "max_buffer " + formatSize(heap.maxBuffer->value) + " < size " + std::to_string(layout_.size); },
		     heap.maxBuffer->at);
		reason([&] { return "its largest buffer is " + formatSize(heap.maxBuffer->value); });
	}
	if (heap.regionsFrom != RegionsFrom::Unknown && !sizeWaived) {
		const Source &regionsAt = heap.regionsFrom == RegionsFrom::Written ? heap.regions.at : heap.at;
		if (heap.contiguous.value && layout_.size > heap.largestRegion) {
			fail(Rule::Size,
			     [&] {
				     return "largest region " + formatSize(heap.largestRegion) + " < size " +
					    std::to_string(layout_.size);
			     },
			     regionsAt);
			reason([&] { return "its largest region is " + formatSize(heap.largestRegion); });
		}
		if (total_ > heap.regionTotal) {
			fail(Rule::Size,
			     [&] {
				     return "regions total " + formatSize(heap.regionTotal) + " < count x size " +
					    std::to_string(total_);
			     },
			     regionsAt);
			reason([&] { return "its regions total " + formatSize(heap.regionTotal); });
		}
	}
	if (record && !reasons.empty()) {
		std::string sentence = "Heap " + heap.name + " cannot hold it: ";
		for (size_t i = 0; i < reasons.size(); ++i)
			sentence += (i ? "; " : "") + reasons[i];
		conflict_.explanation.push_back(sentence + ".");
	}
	return eligible;
}

std::vector<const Heap *> BufferSolver::orderEligible(const std::vector<const Heap *> &eligible) const
{
	std::vector<const Heap *> out;
	for (const auto &p : policy_.prefer)
		for (const Heap *h : eligible)
			if (h->name == p.value)
				out.push_back(h);
	std::vector<const Heap *> rest;
	for (const Heap *h : eligible)
		if (std::find(out.begin(), out.end(), h) == out.end())
			rest.push_back(h);
	// Scarce memory is kept for those who need it: scattered before contiguous, then larger first
	// (unknown regions count as larger than any number), then by name in byte order.
	std::sort(rest.begin(), rest.end(), [](const Heap *a, const Heap *b) {
		if (a->contiguous.value != b->contiguous.value)
			return !a->contiguous.value;
		const bool aUnknown = a->regionsFrom == RegionsFrom::Unknown;
		const bool bUnknown = b->regionsFrom == RegionsFrom::Unknown;
		if (aUnknown != bUnknown)
			return aUnknown;
		if (!aUnknown && a->regionTotal != b->regionTotal)
			return a->regionTotal > b->regionTotal;
		return a->name < b->name;
	});
	out.insert(out.end(), rest.begin(), rest.end());
	return out;
}

Result<BufferResult> BufferSolver::run()
{
	for (const RuleSource &s : sources_)
		userCount_ = std::max(userCount_, s.user + 1);

	mergeWindows();
	contiguous_ = ranges::any_of(sources_, [](const RuleSource &s) {
		return !s.iommu() && s.rules().contiguous && s.rules().contiguous->value;
	});
	if (auto a = mergeAlignment(); !a)
		return std::unexpected(a.error());

	// The layout is computed for every buffer, satisfiable or not: an overflow is bad input.
	auto layout = computeLayout(*buffer_.format.value, buffer_.width.value, buffer_.height.value, align_);
	if (!layout)
		return std::unexpected(placed(std::move(layout).error(), buffer_.at, "buffer '" + buffer_.name + "': "));
	layout_ = std::move(*layout);
	auto total = checkedMul(buffer_.count.value, layout_.size);
	if (!total)
		return std::unexpected(Error(OverflowError{ buffer_.count.written ? buffer_.count.at : buffer_.at,
							    "buffer '" + buffer_.name + "': count " +
								    std::to_string(buffer_.count.value) + " x size " +
								    std::to_string(layout_.size) }));
	total_ = *total;

	checkFormat();
	mergeModifiers();
	mergeCache();
	checkProtectedUsers();
	checkStride();

	std::vector<const Heap *> eligible;
	for (size_t h = 0; h < system_.heaps.size(); ++h)
		if (judgeHeap(h, false))
			eligible.push_back(&system_.heaps[h]);

	if (usersConflict_ || eligible.empty()) {
		if (eligible.empty()) {
			for (size_t h = 0; h < system_.heaps.size(); ++h)
				judgeHeap(h, true);
			if (system_.heaps.empty())
				conflict_.explanation.push_back("The system describes no heap at all.");
		}
		return BufferResult{ buffer_.name, std::move(conflict_) };
	}

	Plan plan;
	plan.buffer = buffer_.name;
	for (const Heap *h : orderEligible(eligible)) {
		HeapChoice choice{ h->name, h->backend.value, h->devicePath() };
		if (plan.heap.name.empty())
			plan.heap = std::move(choice);
		else
			plan.others.push_back(std::move(choice));
	}
	plan.format = std::string(buffer_.format.value->name);
	plan.modifier = modifier_;
	plan.width = buffer_.width.value;
	plan.height = buffer_.height.value;
	plan.count = buffer_.count.value;
	plan.size = layout_.size;
	plan.planes = layout_.planes;

	// Say what the users' alignments changed, and who asked (libcamera's "Adjusted").
	auto askers = [&](auto member, uint64_t threshold) {
		std::string who;
		for (const RuleSource &s : sources_)
			if (const auto &v = s.rules().*member; v && v->value > threshold)
				who += (who.empty() ? "" : ", ") + s.label + " " + std::to_string(v->value) + " (" +
				       v->at.fileLine() + ")";
		return who;
	};
	if (layout_.alignedHeight != buffer_.height.value)
		plan.adjustments.push_back("height " + std::to_string(buffer_.height.value) + " -> " +
					   std::to_string(layout_.alignedHeight) + ": align.height " +
					   askers(&RuleSet::alignHeight, 1));
	for (size_t p = 0; p < layout_.planes.size(); ++p)
		if (layout_.planes[p].stride != layout_.naturalStrides[p])
			plan.adjustments.push_back("plane " + std::to_string(p) + " stride " +
						   std::to_string(layout_.naturalStrides[p]) + " -> " +
						   std::to_string(layout_.planes[p].stride) + ": align.stride " +
						   askers(&RuleSet::alignStride, 1));
	return BufferResult{ buffer_.name, std::move(plan) };
}

} // namespace

Result<BufferResult> solveBufferWith(const System &system, const Policy &policy, const SystemGraph *graph,
				     size_t buffer, const Relaxation &relax, BufferNeeds *needs)
{
	BufferSolver solver(system, policy, graph, buffer, relax);
	auto r = solver.run();
	if (r && needs)
		*needs = solver.needs();
	return r;
}

Result<BufferResult> solveBuffer(const System &system, const Policy &policy, size_t buffer, const Relaxation &relax)
{
	return solveBufferWith(system, policy, nullptr, buffer, relax, nullptr);
}

Result<BufferResult> solveAndExplain(const System &system, const Policy &policy, const SystemGraph *graph, size_t buffer)
{
	auto r = BufferSolver(system, policy, graph, buffer, Relaxation{}).run();
	if (!r)
		return std::unexpected(std::move(r.error()).withFrame("solving buffer '" + system.buffers[buffer].name + "'"));
	if (!r->ok()) {
		auto e = explainConflict(system, policy, buffer, std::get<Conflict>(r->outcome));
		if (!e)
			return std::unexpected(std::move(e.error()));
	}
	return r;
}

Result<Solution> solve(const System &system, const Policy &policy)
{
	const SystemGraph graph(system);
	Solution out;
	out.buffers.reserve(system.buffers.size());
	for (size_t b = 0; b < system.buffers.size(); ++b) {
		auto r = solveAndExplain(system, policy, &graph, b);
		if (!r)
			return std::unexpected(std::move(r.error()));
		out.buffers.push_back(std::move(*r));
	}
	return out;
}

} // namespace heapsolve
