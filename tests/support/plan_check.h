// SPDX-License-Identifier: Apache-2.0
// An independent re-check of the solver's answers, written from the spec (schema.md) and sharing
// no code with solver/: the users' rules are gathered from the System directly, the layout is
// recomputed in 128-bit arithmetic, and every eligibility condition of a heap is judged again.
// Used by the fuzz targets (which trap on a violation) and the property tests (which report it).
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "heapsolve/plan.h"
#include "heapsolve/system.h"

namespace heapsolve::testing {

using u128 = unsigned __int128;
inline constexpr u128 kTwo64 = u128(1) << 64;

inline std::string str128(u128 v)
{
	std::string s;
	do {
		s.insert(s.begin(), char('0' + int(v % 10)));
		v /= 10;
	} while (v);
	return s;
}

// The schema-1 layout computed with 128-bit intermediates. `overflow` is set when any value the
// spec defines (an alignment, a stride, an offset, the size) reaches 2^64; then the solver must
// answer with an error, never a plan.
struct Layout128 {
	bool overflow = false;
	std::vector<PlaneLayout> planes;
	std::vector<u128> planeHeights;
	u128 size = 0;
};

inline u128 lcm128(u128 a, u128 b)
{
	u128 x = a, y = b;
	while (y) {
		const u128 t = x % y;
		x = y;
		y = t;
	}
	return a / x * b; // a, b < 2^64, so this fits in 128 bits
}

inline u128 alignUp128(u128 v, u128 a)
{
	return (v + a - 1) / a * a;
}

struct Align128 {
	u128 base = 4096, stride = 1, height = 1, size = 1;
};

inline Layout128 layout128(const FormatInfo &f, uint64_t width, uint64_t height, const Align128 &a)
{
	Layout128 out;
	auto big = [&](u128 v) {
		if (v >= kTwo64)
			out.overflow = true;
		return out.overflow;
	};
	if (big(a.base) || big(a.stride) || big(a.height) || big(a.size))
		return out;
	const u128 H = alignUp128(height, a.height);
	if (big(H))
		return out;
	u128 offset = 0;
	for (size_t p = 0; p < f.planes.size(); ++p) {
		const FormatPlane &fp = f.planes[p];
		const u128 w = (u128(width) + fp.hsub - 1) / fp.hsub;
		const u128 h = (H + fp.vsub - 1) / fp.vsub;
		const u128 natural = w * fp.cpp;
		if (big(natural))
			return out;
		const u128 stride = alignUp128(natural, a.stride);
		if (big(stride))
			return out;
		if (p > 0) {
			offset = alignUp128(offset, a.base);
			if (big(offset))
				return out;
		}
		out.planes.push_back({ uint64_t(offset), uint64_t(stride) });
		out.planeHeights.push_back(h);
		offset += stride * h;
		if (big(offset))
			return out;
	}
	const u128 sizeAlign = lcm128(a.base, a.size);
	if (big(sizeAlign))
		return out;
	out.size = alignUp128(offset, sizeAlign);
	big(out.size);
	return out;
}

// Sets of addresses as sorted, disjoint, non-adjacent half-open intervals.
using Intervals = std::vector<std::pair<u128, u128>>;

inline Intervals normalize(Intervals v)
{
	std::sort(v.begin(), v.end());
	Intervals out;
	for (const auto &[b, e] : v) {
		if (b >= e)
			continue;
		if (!out.empty() && b <= out.back().second)
			out.back().second = std::max(out.back().second, e);
		else
			out.emplace_back(b, e);
	}
	return out;
}

inline Intervals intervalsOf(const std::vector<Window> &ws)
{
	Intervals v;
	for (const Window &w : ws)
		v.emplace_back(u128(w.base), u128(w.base) + w.size);
	return normalize(std::move(v));
}

inline Intervals intersect(const Intervals &a, const Intervals &b)
{
	Intervals out;
	for (const auto &[ab, ae] : a)
		for (const auto &[bb, be] : b)
			if (std::max(ab, bb) < std::min(ae, be))
				out.emplace_back(std::max(ab, bb), std::min(ae, be));
	return normalize(std::move(out));
}

inline bool contains(const Intervals &outer, const Intervals &inner)
{
	return intersect(outer, inner) == inner;
}

// One rule set that reaches the buffer, with its device.
struct Reach {
	std::string label;
	const Device *device;
	const RuleSet *rules;
};

// The spec's "users of a buffer": `device` brings the device's rules and every plane's,
// `device/plane` the device's and that plane's.
inline std::vector<Reach> reachOf(const System &s, const Buffer &b)
{
	std::vector<Reach> out;
	std::vector<const UserRef *> users{ &b.producer };
	for (const UserRef &c : b.consumers)
		users.push_back(&c);
	for (const UserRef *u : users) {
		const Device *d = s.findDevice(u->device);
		if (!d)
			continue;
		out.push_back({ d->name, d, &d->rules });
		for (const Plane &p : d->planes)
			if (!u->plane || *u->plane == p.name)
				out.push_back({ d->name + "/" + p.name, d, &p.rules });
	}
	return out;
}

inline Align128 mergedAlign(const std::vector<Reach> &reach)
{
	Align128 a;
	for (const Reach &r : reach) {
		if (r.rules->alignBase)
			a.base = lcm128(a.base, r.rules->alignBase->value);
		if (r.rules->alignStride)
			a.stride = lcm128(a.stride, r.rules->alignStride->value);
		if (r.rules->alignHeight)
			a.height = lcm128(a.height, r.rules->alignHeight->value);
		if (r.rules->alignSize)
			a.size = lcm128(a.size, r.rules->alignSize->value);
		// Keep the values below 2^64 or mark them as overflowed (lcm of two such fits in 128 bits).
		for (u128 *v : { &a.base, &a.stride, &a.height, &a.size })
			if (*v >= kTwo64)
				*v = kTwo64;
	}
	return a;
}

// Why `heap` cannot hold one buffer of `size` bytes for these users; empty when it is eligible.
inline std::vector<std::string> heapViolations(const System &s, const Policy &policy, const Buffer &b,
					       const Heap &h, u128 size)
{
	std::vector<std::string> why;
	const std::vector<Reach> reach = reachOf(s, b);
	for (const auto &f : policy.forbidBackends)
		if (f.value == h.backend.value)
			why.push_back("backend forbidden");
	const bool known = h.regionsFrom != RegionsFrom::Unknown;
	const Intervals regions = known ? intervalsOf(h.regions.windows) : Intervals{};
	bool wantCached = false, wantUncached = false;
	for (const Reach &r : reach) {
		const bool iommu = r.device->iommu.value;
		if (!iommu && r.rules->contiguous && r.rules->contiguous->value && !h.contiguous.value)
			why.push_back(r.label + " needs contiguous memory");
		if (!iommu && r.rules->address && (!known || !contains(intervalsOf(r.rules->address->windows), regions)))
			why.push_back(r.label + "'s windows do not hold the heap's regions");
		if (!iommu && r.rules->alignBase && h.align.value % r.rules->alignBase->value != 0)
			why.push_back(r.label + "'s base alignment is not guaranteed");
		if (r.rules->cache) {
			wantCached |= r.rules->cache->value == CacheMode::Value::Cached;
			wantUncached |= r.rules->cache->value == CacheMode::Value::Uncached;
		}
	}
	if (h.align.value % 4096 != 0)
		why.push_back("heap align not a multiple of the page");
	if (h.cached.value && wantUncached)
		why.push_back("heap is cached, a user needs uncached");
	if (!h.cached.value && wantCached)
		why.push_back("heap is uncached, a user needs cached");
	if (h.isProtected.value != b.isProtected.value)
		why.push_back("protection differs");
	if (h.maxBuffer && size > h.maxBuffer->value)
		why.push_back("larger than max_buffer");
	if (known) {
		u128 total = 0, largest = 0;
		for (const Window &w : h.regions.windows) {
			total += w.size;
			largest = std::max<u128>(largest, w.size);
		}
		if (h.contiguous.value && size > largest)
			why.push_back("larger than the largest region");
		if (u128(b.count.value) * size > total)
			why.push_back("count x size exceeds the regions");
	}
	return why;
}

// Rules that fail between the users whatever the heap (format, modifiers, cache, protection,
// stride, windows); empty when none does.
inline std::vector<std::string> userViolations(const System &s, const Buffer &b, const Layout128 &layout,
					       const std::string *modifier = nullptr)
{
	std::vector<std::string> why;
	const std::vector<Reach> reach = reachOf(s, b);
	const std::string format(b.format.value->name);
	bool cached = false, uncached = false;
	std::optional<Intervals> windows;
	std::vector<std::string> modifiers; // intersection; empty optional = anything
	bool modifiersGiven = false;
	for (const Reach &r : reach) {
		const RuleSet &rs = *r.rules;
		if (rs.formats && std::find(rs.formats->value.begin(), rs.formats->value.end(), format) == rs.formats->value.end())
			why.push_back(r.label + " refuses format " + format);
		if (rs.cache) {
			cached |= rs.cache->value == CacheMode::Value::Cached;
			uncached |= rs.cache->value == CacheMode::Value::Uncached;
		}
		if (!r.device->iommu.value && rs.address) {
			const Intervals w = intervalsOf(rs.address->windows);
			windows = windows ? intersect(*windows, w) : w;
		}
		if (rs.modifiers) {
			if (!modifiersGiven) {
				modifiers = rs.modifiers->value;
				modifiersGiven = true;
			} else {
				std::erase_if(modifiers, [&](const std::string &m) {
					return std::find(rs.modifiers->value.begin(), rs.modifiers->value.end(), m) ==
					       rs.modifiers->value.end();
				});
			}
			if (modifier &&
			    std::find(rs.modifiers->value.begin(), rs.modifiers->value.end(), *modifier) == rs.modifiers->value.end())
				why.push_back(r.label + " refuses modifier " + *modifier);
		}
		if (b.isProtected.value && !r.device->canAccessProtected.value)
			why.push_back(r.label + " cannot access protected memory");
		if (rs.maxStride)
			for (const PlaneLayout &p : layout.planes)
				if (p.stride > rs.maxStride->value)
					why.push_back(r.label + " max_stride " + std::to_string(rs.maxStride->value) + " < stride " +
						      std::to_string(p.stride));
	}
	if (cached && uncached)
		why.push_back("cached and uncached both asked");
	if (windows && windows->empty())
		why.push_back("the users' address windows do not meet");
	if (modifiersGiven && modifiers.empty())
		why.push_back("no modifier accepted by every user");
	return why;
}

// Every way `plan` breaks the spec for buffer `index`; empty when it is right. Checks the layout
// exactly, that the chosen heap and every `others` heap are eligible, that no eligible heap is
// missing, and that preferred heaps lead in the policy's order.
inline std::vector<std::string> planViolations(const System &s, const Policy &policy, size_t index, const Plan &plan)
{
	std::vector<std::string> why;
	const Buffer &b = s.buffers[index];
	const Layout128 l = layout128(*b.format.value, b.width.value, b.height.value, mergedAlign(reachOf(s, b)));
	if (l.overflow)
		return { "a plan for a buffer whose layout does not fit in 64 bits" };
	if (plan.buffer != b.name || plan.format != b.format.value->name || plan.width != b.width.value ||
	    plan.height != b.height.value || plan.count != b.count.value)
		why.push_back("the plan does not echo the buffer");
	if (plan.planes != l.planes)
		why.push_back("plane layout differs from the 128-bit recomputation");
	if (plan.size != l.size)
		why.push_back("size " + std::to_string(plan.size) + " != " + str128(l.size));
	if (plan.size % 4096 != 0)
		why.push_back("size not a multiple of 4096");
	for (size_t p = 0; p < plan.planes.size(); ++p) {
		if (p > 0 && plan.planes[p].offset <= plan.planes[p - 1].offset)
			why.push_back("plane offsets not ascending");
		if (p < l.planeHeights.size() && u128(plan.planes[p].offset) + u128(plan.planes[p].stride) * l.planeHeights[p] > plan.size)
			why.push_back("plane " + std::to_string(p) + " ends past the size");
	}
	if (u128(plan.count) * plan.size >= kTwo64)
		why.push_back("count x size does not fit in 64 bits");
	for (const std::string &w : userViolations(s, b, l, &plan.modifier))
		why.push_back("users: " + w);

	std::vector<std::string> chosen{ plan.heap.name };
	for (const HeapChoice &o : plan.others)
		chosen.push_back(o.name);
	for (const Heap &h : s.heaps) {
		const bool eligible = heapViolations(s, policy, b, h, plan.size).empty();
		const bool listed = std::find(chosen.begin(), chosen.end(), h.name) != chosen.end();
		if (listed && !eligible)
			for (const std::string &w : heapViolations(s, policy, b, h, plan.size))
				why.push_back("heap " + h.name + " listed but " + w);
		if (!listed && eligible)
			why.push_back("eligible heap " + h.name + " left out");
	}
	std::sort(chosen.begin(), chosen.end());
	if (std::adjacent_find(chosen.begin(), chosen.end()) != chosen.end())
		why.push_back("a heap listed twice");
	// Preferred eligible heaps come first, in the policy's order.
	size_t next = 0;
	std::vector<std::string> order{ plan.heap.name };
	for (const HeapChoice &o : plan.others)
		order.push_back(o.name);
	for (const auto &p : policy.prefer) {
		const auto it = std::find(order.begin(), order.end(), p.value);
		if (it == order.end())
			continue;
		if (size_t(it - order.begin()) != next)
			why.push_back("preferred heap " + p.value + " out of order");
		++next;
	}
	return why;
}

// For an unsatisfiable buffer: true when the spec agrees that it is (some rule fails between the
// users, or no heap is eligible).
inline bool conflictJustified(const System &s, const Policy &policy, size_t index)
{
	const Buffer &b = s.buffers[index];
	const Layout128 l = layout128(*b.format.value, b.width.value, b.height.value, mergedAlign(reachOf(s, b)));
	if (l.overflow || !userViolations(s, b, l).empty())
		return true;
	for (const Heap &h : s.heaps)
		if (heapViolations(s, policy, b, h, l.size).empty())
			return false;
	return true;
}

// Whether solving this buffer must fail as bad input (a size that does not fit in 64 bits).
inline bool mustOverflow(const System &s, size_t index)
{
	const Buffer &b = s.buffers[index];
	const Layout128 l = layout128(*b.format.value, b.width.value, b.height.value, mergedAlign(reachOf(s, b)));
	return l.overflow || u128(b.count.value) * l.size >= kTwo64;
}

} // namespace heapsolve::testing
