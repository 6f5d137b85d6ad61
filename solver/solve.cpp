// SPDX-License-Identifier: Apache-2.0
// Per buffer: gather the rule sources of its users from the graph, merge them kind by kind, lay the
// buffer out, then judge every heap. What fails is recorded with who asked for what and where.
#include "heapsolve/solver.h"

#include <algorithm>
#include <deque>
#include <iterator>
#include <limits>
#include <optional>

#include "constraints/checked.h"
#include "constraints/constraint_set.h"
#include "constraints/number.h"
#include "solver/buffer_solver.h"
#include "solver/graph.h"
#include "solver/layout.h"

namespace heapsolve {

namespace {

// The names of `check --json`, in the order of Rule.
constexpr std::string_view kRuleNames[] = { "address", "contiguous", "align", "stride", "format", "modifier",
					    "cache", "protected", "size", "backend", "plane" };
static_assert(std::size(kRuleNames) == static_cast<size_t>(Rule::Plane) + 1);

// The rule a constraint kind's conflicts are reported under: the one named like the kind.
constexpr std::optional<Rule> ruleOfKind(std::string_view kindName)
{
	for (size_t r = 0; r < std::size(kRuleNames); ++r)
		if (kRuleNames[r] == kindName)
			return static_cast<Rule>(r);
	return std::nullopt;
}

} // namespace

std::string_view ruleName(Rule r)
{
	const auto i = static_cast<size_t>(r);
	return i < std::size(kRuleNames) ? kRuleNames[i] : "?";
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
//
// The merge is the constraint algebra's (constraints/constraint_set.h): each rule source (a user's
// device, or one of its planes) is a writer, its rule set a ConstraintSet, and every kind folds
// merge() over the writers. The kinds' conflicts between users are then judged kind by kind, in
// the order of AnyConstraint, each from its fold: the culprits are the fold's writers. The
// solver's own checks come around them: a user whose device and plane windows do not meet (plane),
// the layout's size, and each heap's eligibility (backend, size, and whether the heap gives what
// the merged kinds ask).
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
	void addWindowCulprits(Rule rule, const Writers &writers);

	// What source `i` writes: its rule set's constraints, and for a device its protection.
	WrittenConstraints written(size_t i) const;
	// Kind K as source `i` wrote it, and where.
	template<typename K>
	K valueOf(size_t i) const
	{
		return written(i).values.get<K>();
	}
	template<typename K>
	const Source &whereOf(size_t i) const
	{
		return *written(i).where<K>();
	}
	Result<void> foldUsers();

	// Between users, whatever the heap: one judge per kind (see AnyConstraint for the order).
	// A kind whose only conflict is its merge's needs no judge of its own (see the template).
	template<typename K>
	void judgeUsers(std::type_identity<K>);
	void judgeUsers(std::type_identity<AddressWindows>);
	void judgeUsers(std::type_identity<FormatSet>);
	void judgeUsers(std::type_identity<ModifierSet>);
	void judgeUsers(std::type_identity<CacheMode>);
	void judgeUsers(std::type_identity<Protection>);
	void judgeUsers(std::type_identity<MaxStride>);
	void judgeUsers(std::type_identity<Contiguity>);

	// Per heap: the conditions of eligibility. Returns whether the heap is eligible.
	bool judgeHeap(size_t index, bool record);
	std::vector<const Heap *> orderEligible(const std::vector<const Heap *> &eligible) const;

	const System &system_;
	const Policy &policy_;
	const Relaxation &relax_;
	const SystemGraph *graph_;
	const Buffer &buffer_;
	std::vector<RuleSource> sources_;
	std::deque<RuleSet> overrides_; // the rule sets of sources with waived rules
	size_t userCount_ = 0;
	// Per user: a per-format modifier mapping of its device or a plane it brings lacks the
	// buffer's format, so the whole user takes no part in the modifier rule.
	std::vector<bool> leavesModifiers_;

	ConstraintFold fold_; // every kind over every source, a writer each (its index in sources_)
	Conflict conflict_;
	bool usersConflict_ = false;

	AddressWindows windows_; // intersection over users without IOMMU
	bool contiguous_ = false;
	Alignment align_;			// A_base includes the page (page_size)
	uint64_t heapBaseAlign_ = 4096;		// lcm(page_size, base alignments of users without IOMMU)
	std::optional<CacheMode::Value> cache_; // nullopt: cached and uncached both asked
	std::string modifier_;
	Layout layout_;
	uint64_t total_ = 0; // count x size
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
		waive(Rule::Modifier, rules.modifiersPerFormat);
		// A mapping that leaves the buffer's format out is a format refusal: waived with it.
		if (rules.mappingRefuses(buffer_.format.value->name) && relax_.waives(s.label, Rule::Format)) {
			rules.modifiersPerFormat.reset();
			changed = true;
		}
		waive(Rule::Cache, rules.cache);
		if (changed) {
			overrides_.push_back(std::move(rules));
			s.override = &overrides_.back();
		}
		s.protectionWaived = !s.plane && relax_.waives(s.label, Rule::Protected);
	}
}

WrittenConstraints BufferSolver::written(size_t i) const
{
	const RuleSource &s = sources_[i];
	WrittenConstraints w = s.rules().constraints(s.iommu());
	if (!s.plane) {
		w.values.get<Protection>().canAccess = s.canAccessProtected();
		w.at[kKindIndex<Protection>] = &s.device->canAccessProtected.at;
	}
	// Modifiers written per format: the list for the buffer's format; a user that some mapping
	// refuses the format leaves the modifier rule (its format conflict says why).
	if (s.user < leavesModifiers_.size() && leavesModifiers_[s.user]) {
		w.values.get<ModifierSet>() = ModifierSet::any();
		w.at[kKindIndex<ModifierSet>] = nullptr;
	} else if (const auto &perFormat = s.rules().modifiersPerFormat) {
		// Cited at the format's key, as a plain list is at `modifiers`.
		for (const FormatModifiers &f : perFormat->value)
			if (f.format == buffer_.format.value->name) {
				w.values.get<ModifierSet>() = ModifierSet::viewing(f.modifiers.value);
				w.at[kKindIndex<ModifierSet>] = &f.at;
				break;
			}
	}
	return w;
}

Result<void> BufferSolver::foldUsers()
{
	// The page is where the base alignment starts: A_base = lcm(page_size, ...), and so does the
	// heap alignment rule (schema additions of 2026-12; page_size defaults to 4096).
	const uint64_t page = system_.pageSize.value;
	heapBaseAlign_ = page;
	fold_.get<Alignment>() = Fold<Alignment>(Sourced<Alignment>{ Alignment{ page, 1, 1, 1 }, {} });
	for (const RuleSource &s : sources_)
		userCount_ = std::max(userCount_, s.user + 1);
	leavesModifiers_.assign(userCount_, false);
	for (const RuleSource &s : sources_)
		if (s.rules().mappingRefuses(buffer_.format.value->name))
			leavesModifiers_[s.user] = true;
	for (size_t i = 0; i < sources_.size(); ++i) {
		const RuleSource &s = sources_[i];
		fold_.add(written(i).values, i);
		if (const auto &alignBase = s.rules().alignBase; !s.iommu() && alignBase) {
			auto base = checkedLcm(heapBaseAlign_, alignBase->value);
			if (!base)
				return std::unexpected(Error(OverflowError{
					buffer_.at, "buffer '" + buffer_.name + "': the common multiple of the base alignments" }));
			heapBaseAlign_ = *base;
		}
	}
	const auto &align = fold_.get<Alignment>();
	if (!align.ok())
		return std::unexpected(placed(align.result().error(), buffer_.at, "buffer '" + buffer_.name + "': "));
	align_ = align.value();
	return {};
}

// Two writers' values of kind K cannot hold together: every writer of K is a culprit, under the
// rule named like the kind. (An alignment overflow never gets here: foldUsers makes it bad input.)
template<typename K>
void BufferSolver::judgeUsers(std::type_identity<K>)
{
	constexpr std::optional<Rule> rule = ruleOfKind(K::kName);
	static_assert(rule.has_value(), "a constraint kind needs a Rule of the same name (solver/plan.h)");
	const auto &fold = fold_.get<K>();
	if (fold.ok())
		return;
	usersConflict_ = true;
	fold.writers().forEach([&](size_t i) {
		addCulprit(sources_[i].label, *rule, "needs " + valueOf<K>(i).describe(), whereOf<K>(i));
	});
	const Error &e = fold.result().error();
	const MergeConflict *c = e.mergeConflict();
	conflict_.explanation.push_back("The " + std::string(K::kName) + " rules of the users cannot hold together: " +
					(c ? c->why : e.summary()) + ".");
}

void BufferSolver::addWindowCulprits(Rule rule, const Writers &writers)
{
	writers.forEach([&](size_t i) {
		addCulprit(sources_[i].label, rule, "needs " + valueOf<AddressWindows>(i).describe(),
			   whereOf<AddressWindows>(i));
	});
}

void BufferSolver::judgeUsers(std::type_identity<AddressWindows>)
{
	// The intersection of everyone's windows never conflicts: an empty one is a value.
	const auto &all = fold_.get<AddressWindows>();
	windows_ = all.value();
	// Everyone's windows meet, so each user's own (a superset) do too: no conflict to look for.
	if (!windows_.isEmpty())
		return;
	// Each user's own windows first: the device's and its planes'. A user whose device and plane
	// windows do not meet is a plane conflict; the other users are then checked among themselves.
	std::vector<Fold<AddressWindows>> users(userCount_);
	all.writers().forEach([&](size_t i) { users[sources_[i].user].add(valueOf<AddressWindows>(i), i); });
	size_t betweenUsers = 0;
	Fold<AddressWindows> between; // the windows of the users without a plane conflict
	for (size_t u = 0; u < users.size(); ++u) {
		const Fold<AddressWindows> &own = users[u];
		if (own.writers().empty())
			continue;
		if (own.value().isEmpty()) {
			usersConflict_ = true;
			addWindowCulprits(Rule::Plane, own.writers());
			std::string areas;
			own.writers().forEach([&](size_t i) {
				areas += (areas.empty() ? "" : ", ") + sources_[i].label + " " + valueOf<AddressWindows>(i).describe();
			});
			conflict_.explanation.push_back(
				"No address lies in every area that " +
				(u == 0 ? buffer_.producer.str() : buffer_.consumers[u - 1].str()) + " brings (" + areas +
				"); name one plane as the user (device/plane) if the buffer is for one of them.");
		} else {
			++betweenUsers;
			between.add(*own.result());
		}
	}
	if (betweenUsers >= 2 && between.value().isEmpty()) {
		usersConflict_ = true;
		addWindowCulprits(Rule::Address, between.writers());
		conflict_.explanation.emplace_back("The address windows of the users do not meet: no address is "
						   "reachable by all of them.");
	}
}

void BufferSolver::judgeUsers(std::type_identity<FormatSet>)
{
	const std::string_view format = buffer_.format.value->name;
	// A per-format modifier mapping without the buffer's format refuses it too: one conflict per
	// mapping, named where the mapping is written (the device or device/plane), besides any
	// `formats` list's.
	for (const RuleSource &s : sources_) {
		const auto &perFormat = s.rules().modifiersPerFormat;
		if (!perFormat || !s.rules().mappingRefuses(format))
			continue;
		usersConflict_ = true;
		const auto &mapping = *perFormat;
		std::string keys;
		for (const FormatModifiers &f : mapping.value)
			keys += (keys.empty() ? "" : ", ") + f.format;
		addCulprit(s.label, Rule::Format, "modifiers per format for [" + keys + "], not " + std::string(format),
			   mapping.at);
		conflict_.explanation.push_back(s.label + " does not accept format " + std::string(format) +
						" (its modifiers are given for " + keys + " only).");
	}
	if (fold_.get<FormatSet>().value().accepts(format))
		return;
	// The culprits: the writers whose own list leaves the buffer's format out.
	fold_.get<FormatSet>().writers().forEach([&](size_t i) {
		const FormatSet mine = valueOf<FormatSet>(i);
		if (mine.accepts(format))
			return;
		usersConflict_ = true;
		const std::string &label = sources_[i].label;
		addCulprit(label, Rule::Format, "accepts " + mine.describe() + ", not " + std::string(format),
			   whereOf<FormatSet>(i));
		conflict_.explanation.push_back(label + " does not accept format " + std::string(format) + " (it accepts " +
						mine.describe() + ").");
	});
}

void BufferSolver::judgeUsers(std::type_identity<ModifierSet>)
{
	const auto &fold = fold_.get<ModifierSet>();
	const ModifierSet &common = fold.value();
	if (common.isEmpty()) {
		usersConflict_ = true;
		fold.writers().forEach([&](size_t i) {
			addCulprit(sources_[i].label, Rule::Modifier, "accepts " + valueOf<ModifierSet>(i).describe(),
				   whereOf<ModifierSet>(i));
		});
		conflict_.explanation.emplace_back("No format modifier is accepted by every user.");
		return;
	}
	// LINEAR when everyone takes it, else the first that everyone accepts in the order of the
	// first writer (the producer's device, whose list the loader always fills).
	if (common.accepts(kLinearModifier))
		modifier_ = std::string(kLinearModifier);
	else if (common.size() > 0)
		modifier_ = std::string(common[0]);
}

void BufferSolver::judgeUsers(std::type_identity<CacheMode>)
{
	const auto &fold = fold_.get<CacheMode>();
	if (fold.ok()) {
		cache_ = fold.value().value;
		return;
	}
	cache_.reset();
	usersConflict_ = true;
	fold.writers().forEach([&](size_t i) {
		addCulprit(sources_[i].label, Rule::Cache, "needs a " + valueOf<CacheMode>(i).describe() + " mapping",
			   whereOf<CacheMode>(i));
	});
	conflict_.explanation.emplace_back("Some users need a cached CPU mapping and others an uncached one.");
}

void BufferSolver::judgeUsers(std::type_identity<Protection>)
{
	if (!buffer_.isProtected.value || fold_.get<Protection>().value().canAccess)
		return;
	fold_.get<Protection>().writers().forEach([&](size_t i) {
		const Device &d = *sources_[i].device;
		usersConflict_ = true;
		addCulprit(d.name, Rule::Protected, "cannot access protected memory", whereOf<Protection>(i));
		conflict_.explanation.push_back(d.name + " cannot access protected memory, but buffer " + buffer_.name +
						" is protected.");
	});
}

void BufferSolver::judgeUsers(std::type_identity<MaxStride>)
{
	uint64_t widest = 0;
	for (const PlaneLayout &p : layout_.planes)
		widest = std::max(widest, p.stride);
	const auto &limit = fold_.get<MaxStride>().value().limit;
	if (!limit || *limit >= widest)
		return;
	fold_.get<MaxStride>().writers().forEach([&](size_t i) {
		const uint64_t mine = *valueOf<MaxStride>(i).limit;
		if (mine >= widest)
			return;
		usersConflict_ = true;
		const std::string &label = sources_[i].label;
		addCulprit(label, Rule::Stride, "max_stride " + std::to_string(mine) + " < stride " + std::to_string(widest),
			   whereOf<MaxStride>(i));
		conflict_.explanation.push_back(label + " can program strides up to " + std::to_string(mine) +
						" bytes, but the buffer needs " + std::to_string(widest) + ".");
	});
}

void BufferSolver::judgeUsers(std::type_identity<Contiguity>)
{
	// Never a conflict between users: the strictest wins, and the heaps are judged on it.
	contiguous_ = fold_.get<Contiguity>().value().required;
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
	// The users that impose a failed condition: the writers of its kind that `pred` keeps.
	auto imposedBy = [&](Rule rule, const Writers &writers, auto &&pred, auto &&describe, auto &&at) {
		if (!record)
			return;
		writers.forEach([&](size_t i) {
			const RuleSource &s = sources_[i];
			if (pred(s))
				addCulprit(s.label, rule, describe(s), at(s));
		});
	};

	// [backend] The policy may forbid a backend (e.g. never open a DRM primary node).
	if (policy_.forbids(heap.backend.value) && !waived(Rule::Backend)) {
		fail(
			Rule::Backend,
			[&] { return "backend " + std::string(backendName(heap.backend.value)) + " is forbidden by the policy"; },
			heap.backend.at);
		reason([&] { return "its backend " + std::string(backendName(heap.backend.value)) + " is forbidden"; });
	}
	// [contiguous]
	if (contiguous_ && !heap.contiguous.value && !waived(Rule::Contiguous)) {
		imposedBy(
			Rule::Contiguous, fold_.get<Contiguity>().writers(), [](const RuleSource &) { return true; },
			[](const RuleSource &) { return std::string("needs physically contiguous memory"); },
			[](const RuleSource &s) { return s.rules().contiguous->at; });
		fail(
			Rule::Contiguous, [] { return std::string("not contiguous"); }, heap.contiguous.at);
		reason([] { return std::string("it is not physically contiguous"); });
	}
	// [address] Every address of the heap's regions must lie in the users' windows.
	if (!windows_.isAnywhere() && !waived(Rule::Address)) {
		const bool known = heap.regionsFrom != RegionsFrom::Unknown;
		if (!known || !windows_.contains(graph_ ? graph_->heapRegions(index) : heap.regions.set())) {
			if (record)
				addWindowCulprits(Rule::Address, fold_.get<AddressWindows>().writers());
			fail(
				Rule::Address,
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
			Rule::Cache, fold_.get<CacheMode>().writers(),
			[&](const RuleSource &s) { return s.rules().cache->value == opposite; },
			[&](const RuleSource &) { return "needs a " + cacheWord(opposite) + " mapping"; },
			[](const RuleSource &s) { return s.rules().cache->at; });
		fail(
			Rule::Cache, [&] { return std::string(heap.cached.value ? "maps cached" : "maps uncached"); },
			heap.cached.at);
		reason([&] { return std::string("its CPU mapping is ") + (heap.cached.value ? "cached" : "uncached"); });
	}
	// [protected] Protection must match the buffer's, both ways.
	if (heap.isProtected.value != buffer_.isProtected.value && !waived(Rule::Protected)) {
		fail(
			Rule::Protected,
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
			Rule::Align, fold_.get<Alignment>().writers(),
			[&](const RuleSource &s) {
				return !s.iommu() && s.rules().alignBase && heap.align.value % s.rules().alignBase->value != 0;
			},
			[](const RuleSource &s) { return "needs base alignment " + formatSize(s.rules().alignBase->value); },
			[](const RuleSource &s) { return s.rules().alignBase->at; });
		fail(
			Rule::Align, [&] { return "aligns buffers to " + formatSize(heap.align.value); }, heap.align.at);
		reason([&] { return "it aligns buffers to " + formatSize(heap.align.value) + ", not " + formatSize(heapBaseAlign_); });
	}
	// [size]
	const bool sizeWaived = waived(Rule::Size);
	if (heap.maxBuffer && layout_.size > heap.maxBuffer->value && !sizeWaived) {
		fail(
			Rule::Size,
			[&] { return "max_buffer " + formatSize(heap.maxBuffer->value) + " < size " + std::to_string(layout_.size); },
			heap.maxBuffer->at);
		reason([&] { return "its largest buffer is " + formatSize(heap.maxBuffer->value); });
	}
	if (heap.regionsFrom != RegionsFrom::Unknown && !sizeWaived) {
		const Source &regionsAt = heap.regionsFrom == RegionsFrom::Written ? heap.regions.at : heap.at;
		if (heap.contiguous.value && layout_.size > heap.largestRegion) {
			fail(
				Rule::Size,
				[&] {
					return "largest region " + formatSize(heap.largestRegion) + " < size " +
					       std::to_string(layout_.size);
				},
				regionsAt);
			reason([&] { return "its largest region is " + formatSize(heap.largestRegion); });
		}
		if (total_ > heap.regionTotal) {
			fail(
				Rule::Size,
				[&] {
					return "regions total " + formatSize(heap.regionTotal) + " < count x size " +
					       std::to_string(total_);
				},
				regionsAt);
			reason([&] { return "its regions total " + formatSize(heap.regionTotal); });
		}
	}
	// A heap's capacity (a CMA pool's size) bounds what it hands out, whatever its regions.
	if (heap.capacity && total_ > heap.capacity->value && !sizeWaived) {
		fail(
			Rule::Size,
			[&] { return "capacity " + formatSize(heap.capacity->value) + " < count x size " + std::to_string(total_); },
			heap.capacity->at);
		reason([&] { return "its capacity is " + formatSize(heap.capacity->value); });
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
	// (a heap's total is its region sum capped by its capacity, or its capacity alone; unknown
	// counts as larger than any number), then by name in byte order.
	std::sort(rest.begin(), rest.end(), [](const Heap *a, const Heap *b) {
		if (a->contiguous.value != b->contiguous.value)
			return !a->contiguous.value;
		const std::optional<uint64_t> aTotal = a->orderingTotal();
		const std::optional<uint64_t> bTotal = b->orderingTotal();
		if (aTotal.has_value() != bTotal.has_value())
			return !aTotal.has_value();
		if (aTotal && *aTotal != *bTotal)
			return *aTotal > *bTotal;
		return a->name < b->name;
	});
	out.insert(out.end(), rest.begin(), rest.end());
	return out;
}

Result<BufferResult> BufferSolver::run()
{
	HEAPSOLVE_TRY(foldUsers());

	// The layout is computed for every buffer, satisfiable or not: an overflow is bad input.
	// A user says `chroma_stride: derived` when its device or any plane it brings does; one such
	// user derives the chroma strides of the whole buffer from its luma stride.
	const bool derived = std::any_of(sources_.begin(), sources_.end(), [](const RuleSource &s) {
		return s.rules().chromaStride && s.rules().chromaStride->value == ChromaStride::Derived;
	});
	auto layout = computeLayout(*buffer_.format.value, buffer_.width.value, buffer_.height.value, align_,
				    derived ? ChromaStride::Derived : ChromaStride::Aligned);
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

	// The kinds' conflicts between users, in the order of AnyConstraint.
	forEachKind([&]<typename K>(std::type_identity<K> kind) { judgeUsers(kind); });

	std::vector<const Heap *> eligible;
	for (size_t h = 0; h < system_.heaps.size(); ++h)
		if (judgeHeap(h, false))
			eligible.push_back(&system_.heaps[h]);

	if (usersConflict_ || eligible.empty()) {
		if (eligible.empty()) {
			for (size_t h = 0; h < system_.heaps.size(); ++h)
				judgeHeap(h, true);
			if (system_.heaps.empty())
				conflict_.explanation.emplace_back("The system describes no heap at all.");
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

} // namespace heapsolve
