// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/system.h"

#include <algorithm>
#include <array>
#include <type_traits>
#include <utility>

namespace heapsolve {

namespace {

constexpr std::array<std::pair<std::string_view, Backend>, 3> kBackends{ {
	{ "dma-heap", Backend::DmaHeap },
	{ "drm-dumb", Backend::DrmDumb },
	{ "udmabuf", Backend::Udmabuf },
} };

constexpr std::array<std::pair<std::string_view, DeviceKind>, 6> kKinds{ {
	{ "codec", DeviceKind::Codec },
	{ "render", DeviceKind::Render },
	{ "display", DeviceKind::Display },
	{ "camera", DeviceKind::Camera },
	{ "cpu", DeviceKind::Cpu },
	{ "other", DeviceKind::Other },
} };

template<typename Table, typename V>
std::string_view nameOf(const Table &table, V value)
{
	for (const auto &[name, v] : table)
		if (v == value)
			return name;
	return "?";
}

template<typename V, typename Table>
std::optional<V> valueOf(const Table &table, std::string_view name)
{
	for (const auto &[n, v] : table)
		if (n == name)
			return v;
	return std::nullopt;
}

} // namespace

AddressWindows WindowList::set() const
{
	std::vector<AddressRange> ranges;
	ranges.reserve(windows.size());
	for (const Window &w : windows)
		ranges.push_back({ w.base, w.end() });
	return AddressWindows::of(std::move(ranges));
}

std::string_view backendName(Backend b)
{
	return nameOf(kBackends, b);
}

std::optional<Backend> backendFromName(std::string_view name)
{
	return valueOf<Backend>(kBackends, name);
}

std::string_view deviceKindName(DeviceKind k)
{
	return nameOf(kKinds, k);
}

std::optional<DeviceKind> deviceKindFromName(std::string_view name)
{
	return valueOf<DeviceKind>(kKinds, name);
}

WrittenConstraints RuleSet::constraints(bool iommu) const
{
	WrittenConstraints w;
	ConstraintSet &c = w.values;
	auto written = [&]<typename K>(std::type_identity<K>, const Source &at) {
		if (!w.at[kKindIndex<K>])
			w.at[kKindIndex<K>] = &at;
	};
	if (address && !iommu) {
		c.get<AddressWindows>() = address->set();
		written(std::type_identity<AddressWindows>{}, address->at);
	}
	if (contiguous && !iommu) {
		c.get<Contiguity>().required = contiguous->value;
		written(std::type_identity<Contiguity>{}, contiguous->at);
	}
	Alignment &align = c.get<Alignment>();
	for (auto [field, member] : { std::pair{ &alignBase, &Alignment::base }, std::pair{ &alignStride, &Alignment::stride },
				      std::pair{ &alignHeight, &Alignment::height }, std::pair{ &alignSize, &Alignment::size } })
		if (*field) {
			align.*member = (*field)->value;
			written(std::type_identity<Alignment>{}, (*field)->at);
		}
	if (maxStride) {
		c.get<MaxStride>().limit = maxStride->value;
		written(std::type_identity<MaxStride>{}, maxStride->at);
	}
	if (formats) {
		c.get<FormatSet>() = FormatSet::viewing(formats->value);
		written(std::type_identity<FormatSet>{}, formats->at);
	}
	if (modifiers) {
		c.get<ModifierSet>() = ModifierSet::viewing(modifiers->value);
		written(std::type_identity<ModifierSet>{}, modifiers->at);
	}
	if (cache) {
		c.get<CacheMode>().value = cache->value;
		written(std::type_identity<CacheMode>{}, cache->at);
	}
	return w;
}

std::string_view chromaStrideName(ChromaStride c)
{
	return c == ChromaStride::Derived ? "derived" : "aligned";
}

const Located<std::vector<std::string>> *RuleSet::modifiersFor(std::string_view format) const
{
	if (modifiers)
		return &*modifiers;
	if (modifiersPerFormat)
		for (const FormatModifiers &f : modifiersPerFormat->value)
			if (f.format == format)
				return &f.modifiers;
	return nullptr;
}

bool RuleSet::mappingRefuses(std::string_view format) const
{
	return modifiersPerFormat && !modifiersFor(format);
}

std::optional<uint64_t> Heap::orderingTotal() const
{
	if (regionsFrom == RegionsFrom::Unknown)
		return capacity ? std::optional(capacity->value) : std::nullopt;
	return capacity ? std::min(capacity->value, regionTotal) : regionTotal;
}

const Plane *Device::findPlane(std::string_view plane) const
{
	for (const Plane &p : planes)
		if (p.name == plane)
			return &p;
	return nullptr;
}

std::string Heap::devicePath() const
{
	if (path)
		return path->value;
	if (backend.value == Backend::DmaHeap)
		return "/dev/dma_heap/" + name;
	if (backend.value == Backend::Udmabuf)
		return "/dev/udmabuf";
	return "";
}

bool Policy::forbids(Backend b) const
{
	for (const auto &f : forbidBackends)
		if (f.value == b)
			return true;
	return false;
}

const Device *System::findDevice(std::string_view name) const
{
	for (const Device &d : devices)
		if (d.name == name)
			return &d;
	return nullptr;
}

const Heap *System::findHeap(std::string_view name) const
{
	for (const Heap &h : heaps)
		if (h.name == name)
			return &h;
	return nullptr;
}

} // namespace heapsolve
