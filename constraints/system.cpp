// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/system.h"

#include <array>
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

ConstraintSet RuleSet::constraints(bool iommu) const
{
	ConstraintSet c;
	if (address && !iommu)
		c.address = address->set();
	if (contiguous && !iommu)
		c.contiguous.required = contiguous->value;
	if (alignBase)
		c.align.base = alignBase->value;
	if (alignStride)
		c.align.stride = alignStride->value;
	if (alignHeight)
		c.align.height = alignHeight->value;
	if (alignSize)
		c.align.size = alignSize->value;
	if (maxStride)
		c.maxStride.limit = maxStride->value;
	if (formats)
		c.formats = FormatSet::of(formats->value);
	if (modifiers)
		c.modifiers = ModifierSet::of(modifiers->value);
	if (cache)
		c.cache.value = cache->value;
	return c;
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
