// SPDX-License-Identifier: Apache-2.0
#include "adapters/drm_dumb/drm_dumb.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iterator>
#include <map>
#include <set>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "constraints/format.h"
#include "constraints/format_modifier.h"
#include "log/log.h"

namespace heapsolve {

LOG_DEFINE_CATEGORY(DrmDumb);

namespace {

// The fourcc of each format in heapsolve's table (constraints/format.cpp), from drm_fourcc.h.
struct FourccName {
	uint32_t fourcc;
	const char *name;
};
constexpr FourccName kFourccs[] = {
	{ DRM_FORMAT_R8, "R8" },
	{ DRM_FORMAT_RGB565, "RGB565" },
	{ DRM_FORMAT_BGR565, "BGR565" },
	{ DRM_FORMAT_YUYV, "YUYV" },
	{ DRM_FORMAT_YVYU, "YVYU" },
	{ DRM_FORMAT_UYVY, "UYVY" },
	{ DRM_FORMAT_VYUY, "VYUY" },
	{ DRM_FORMAT_RGB888, "RGB888" },
	{ DRM_FORMAT_BGR888, "BGR888" },
	{ DRM_FORMAT_XRGB8888, "XRGB8888" },
	{ DRM_FORMAT_ARGB8888, "ARGB8888" },
	{ DRM_FORMAT_XBGR8888, "XBGR8888" },
	{ DRM_FORMAT_ABGR8888, "ABGR8888" },
	{ DRM_FORMAT_RGBX8888, "RGBX8888" },
	{ DRM_FORMAT_RGBA8888, "RGBA8888" },
	{ DRM_FORMAT_XRGB2101010, "XRGB2101010" },
	{ DRM_FORMAT_ARGB2101010, "ARGB2101010" },
	{ DRM_FORMAT_NV12, "NV12" },
	{ DRM_FORMAT_NV21, "NV21" },
	{ DRM_FORMAT_NV16, "NV16" },
	{ DRM_FORMAT_NV61, "NV61" },
	{ DRM_FORMAT_NV24, "NV24" },
	{ DRM_FORMAT_NV42, "NV42" },
	{ DRM_FORMAT_P010, "P010" },
	{ DRM_FORMAT_YUV420, "YUV420" },
	{ DRM_FORMAT_YVU420, "YVU420" },
	{ DRM_FORMAT_YUV422, "YUV422" },
	{ DRM_FORMAT_YVU422, "YVU422" },
	{ DRM_FORMAT_YUV444, "YUV444" },
};

const char *formatName(uint32_t fourcc)
{
	for (const FourccName &f : kFourccs)
		if (f.fourcc == fourcc)
			return findFormat(f.name) ? f.name : nullptr;
	return nullptr;
}

std::string fourccString(uint32_t fourcc)
{
	std::string s;
	for (int i = 0; i < 4; ++i)
		s += static_cast<char>((fourcc >> (8 * i)) & 0xff);
	return s;
}

std::string modifierName(uint64_t modifier)
{
	if (modifier == DRM_FORMAT_MOD_LINEAR)
		return std::string(kLinearModifier);
	char buf[24];
	(void)std::snprintf(buf, sizeof(buf), "0x%016" PRIx64, modifier); // 18 characters always fit
	return buf;
}

// The kernel driver's name from sysfs, without opening the node: the device's `driver` link,
// else the device's own name (vkms and vgem register driverless platform devices named after
// themselves), else "drm".
std::string driverOf(const std::string &node)
{
	struct stat st;
	if (stat(node.c_str(), &st) < 0)
		return "drm";
	char base[64];
	// At most 36 characters: two 32-bit numbers always fit.
	(void)std::snprintf(base, sizeof(base), "/sys/dev/char/%u:%u/device", major(st.st_rdev), minor(st.st_rdev));
	for (const std::string &link : { std::string(base) + "/driver", std::string(base) }) {
		char target[256];
		ssize_t n = readlink(link.c_str(), target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		const char *slash = std::strrchr(target, '/');
		std::string name = slash ? slash + 1 : target;
		if (!name.empty())
			return name;
	}
	return "drm";
}

// A name not yet in `taken`: `base`, else `base` + suffix, else numbered.
std::string uniqueName(std::set<std::string> &taken, std::string base, const std::string &suffix)
{
	if (base.empty())
		base = "drm";
	std::string name = base;
	if (taken.contains(name))
		name = base + suffix;
	for (int i = 2; taken.contains(name); ++i)
		name = base + suffix + std::to_string(i);
	taken.insert(name);
	return name;
}

// Opens a primary node for a short read. Only reachable through DrmDumbAdapter, which cannot be
// built without a PrimaryNodeAccess.
Result<UniqueFd> openPrimary(const std::string &node)
{
	UniqueFd fd(open(node.c_str(), O_RDWR | O_CLOEXEC));
	if (!fd.isValid())
		return std::unexpected(Error(SystemError{ "open", node, errno, {} }));
	// The open made us master if nobody was; give it back at once so that a compositor
	// starting meanwhile is not locked out (drmDropMaster fails harmlessly otherwise).
	if (drmIsMaster(fd.get()))
		drmDropMaster(fd.get());
	return fd;
}

struct PlaneInfo {
	std::string type; // primary, overlay, cursor
	std::vector<uint32_t> formats;
	std::optional<std::vector<InFormat>> inFormats; // when the plane has a readable IN_FORMATS
};

std::vector<PlaneInfo> readPlanes(int fd)
{
	std::vector<PlaneInfo> planes;
	// Without this cap the kernel hides primary and cursor planes.
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	drmModePlaneResPtr res = drmModeGetPlaneResources(fd);
	if (!res)
		return planes;
	for (uint32_t i = 0; i < res->count_planes; ++i) {
		drmModePlanePtr plane = drmModeGetPlane(fd, res->planes[i]);
		if (!plane)
			continue;
		PlaneInfo info;
		info.type = "overlay";
		info.formats.assign(plane->formats, plane->formats + plane->count_formats);
		drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, plane->plane_id, DRM_MODE_OBJECT_PLANE);
		for (uint32_t p = 0; props && p < props->count_props; ++p) {
			drmModePropertyPtr prop = drmModeGetProperty(fd, props->props[p]);
			if (!prop)
				continue;
			if (std::strcmp(prop->name, "type") == 0) {
				uint64_t v = props->prop_values[p];
				info.type = v == DRM_PLANE_TYPE_PRIMARY ? "primary" : v == DRM_PLANE_TYPE_CURSOR ? "cursor"
														 : "overlay";
			} else if (std::strcmp(prop->name, "IN_FORMATS") == 0) {
				drmModePropertyBlobPtr blob = drmModeGetPropertyBlob(fd, static_cast<uint32_t>(props->prop_values[p]));
				if (blob)
					info.inFormats = parseInFormats(blob->data, blob->length);
				drmModeFreePropertyBlob(blob);
			}
			drmModeFreeProperty(prop);
		}
		drmModeFreeObjectProperties(props);
		drmModeFreePlane(plane);
		planes.push_back(std::move(info));
	}
	drmModeFreePlaneResources(res);
	return planes;
}

bool supportsDumb(int fd)
{
	uint64_t cap = 0;
	return drmGetCap(fd, DRM_CAP_DUMB_BUFFER, &cap) == 0 && cap != 0;
}

} // namespace

Located<std::vector<FormatModifiers>> unionOfPlanes(const std::vector<Plane> &planes, const Source &at)
{
	// A device's list is intersected with each plane's: without a mapping of its own the
	// device would default to [LINEAR] and no plane could ever get another modifier. Per format,
	// the union of the planes' lists, in order of first appearance (plane order, then each
	// plane's order). A plane with a plain list brings it for each of its formats.
	Located<std::vector<FormatModifiers>> out{ {}, at, true };
	auto add = [&](const std::string &format, const std::vector<std::string> &mods) {
		auto it = std::find_if(out.value.begin(), out.value.end(),
				       [&](const FormatModifiers &e) { return e.format == format; });
		if (it == out.value.end()) {
			out.value.push_back({ format, at, { {}, at, true } });
			it = std::prev(out.value.end());
		}
		for (const std::string &m : mods)
			if (std::find(it->modifiers.value.begin(), it->modifiers.value.end(), m) == it->modifiers.value.end())
				it->modifiers.value.push_back(m);
	};
	for (const Plane &p : planes) {
		if (p.rules.modifiersPerFormat) {
			for (const FormatModifiers &f : p.rules.modifiersPerFormat->value)
				add(f.format, f.modifiers.value);
		} else if (p.rules.formats && p.rules.modifiers) {
			for (const std::string &f : p.rules.formats->value)
				add(f, p.rules.modifiers->value);
		}
	}
	return out;
}

std::optional<std::vector<InFormat>> parseInFormats(const void *data, size_t length)
{
	// include/uapi/drm/drm_mode.h: a header, the formats (u32 each), then the modifiers, each
	// with a 64-bit mask of the formats it applies to, starting at format index `offset`.
	if (!data || length < sizeof(drm_format_modifier_blob))
		return std::nullopt;
	drm_format_modifier_blob hdr;
	std::memcpy(&hdr, data, sizeof(hdr));
	const uint64_t formatsEnd = uint64_t(hdr.formats_offset) + uint64_t(hdr.count_formats) * sizeof(uint32_t);
	const uint64_t modifiersEnd =
		uint64_t(hdr.modifiers_offset) + uint64_t(hdr.count_modifiers) * sizeof(drm_format_modifier);
	if (formatsEnd > length || modifiersEnd > length)
		return std::nullopt;
	const auto *base = static_cast<const uint8_t *>(data);
	std::vector<InFormat> out(hdr.count_formats);
	for (uint32_t f = 0; f < hdr.count_formats; ++f)
		std::memcpy(&out[f].fourcc, base + hdr.formats_offset + f * sizeof(uint32_t), sizeof(uint32_t));
	for (uint32_t m = 0; m < hdr.count_modifiers; ++m) {
		drm_format_modifier mod;
		std::memcpy(&mod, base + hdr.modifiers_offset + m * sizeof(drm_format_modifier), sizeof(mod));
		if (mod.modifier == DRM_FORMAT_MOD_INVALID)
			continue;
		for (uint32_t bit = 0; bit < 64; ++bit) {
			const uint64_t f = uint64_t(mod.offset) + bit;
			if (!(mod.formats & (uint64_t{ 1 } << bit)) || f >= out.size())
				continue;
			auto &list = out[f].modifiers;
			if (std::find(list.begin(), list.end(), mod.modifier) == list.end())
				list.push_back(mod.modifier);
		}
	}
	return out;
}

std::vector<DrmNodes> listDrmDevices()
{
	std::vector<DrmNodes> out;
	int n = drmGetDevices2(0, nullptr, 0);
	if (n <= 0)
		return out;
	std::vector<drmDevicePtr> devices(static_cast<size_t>(n));
	n = drmGetDevices2(0, devices.data(), n);
	for (int i = 0; i < n; ++i) {
		DrmNodes d;
		if (devices[i]->available_nodes & (1 << DRM_NODE_PRIMARY))
			d.primary = devices[i]->nodes[DRM_NODE_PRIMARY];
		if (devices[i]->available_nodes & (1 << DRM_NODE_RENDER))
			d.render = devices[i]->nodes[DRM_NODE_RENDER];
		d.driver = driverOf(!d.primary.empty() ? d.primary : d.render);
		out.push_back(std::move(d));
	}
	drmFreeDevices(devices.data(), n);
	// libdrm lists in sysfs order; sort for a stable probe.
	std::sort(out.begin(), out.end(), [](const DrmNodes &a, const DrmNodes &b) {
		return std::pair(a.primary, a.render) < std::pair(b.primary, b.render);
	});
	return out;
}

Offer probeRenderNodes(const std::vector<DrmNodes> &devices)
{
	Offer offer;
	std::set<std::string> taken;
	for (const DrmNodes &d : devices) {
		if (d.render.empty())
			continue;
		Device dev;
		dev.name = uniqueName(taken, d.driver, "-render");
		dev.at = Source{ "probe", 0, 0 };
		dev.kind = probed(DeviceKind::Render);
		dev.iommu = { false, dev.at, false };
		dev.canAccessProtected = { false, dev.at, false };
		offer.notes.push_back("device '" + dev.name + "': render node " + d.render);
		offer.devices.push_back(std::move(dev));
	}
	return offer;
}

Result<Offer> DrmDumbAdapter::probe()
{
	Offer offer;
	std::set<std::string> taken;
	for (const DrmNodes &d : listDrmDevices()) {
		if (d.primary.empty())
			continue;
		auto fd = openPrimary(d.primary);
		if (!fd) {
			offer.notes.push_back("cannot read " + d.primary + ": " + errnoDescription(fd.error().err()));
			continue;
		}
		if (supportsDumb(fd->get())) {
			Heap h;
			h.name = uniqueName(taken, d.driver + "-dumb", "");
			h.at = Source{ "probe", 0, 0 };
			h.backend = probed(Backend::DrmDumb);
			h.path = probed(d.primary);
			// Dumb buffers are whatever the driver's GEM helper allocates: shmem pages for
			// vkms/vgem, VRAM or DMA memory elsewhere. Nothing promises contiguity.
			h.contiguous = probed(false);
			h.cached = probed(true);
			h.isProtected = probed(false);
			h.align = { 4096, h.at, false };
			offer.heaps.push_back(std::move(h));
		}
		std::vector<PlaneInfo> planes = readPlanes(fd->get());
		if (planes.empty())
			continue;
		Device dev;
		dev.name = uniqueName(taken, d.driver, "-display");
		dev.at = Source{ "probe", 0, 0 };
		dev.kind = probed(DeviceKind::Display);
		dev.iommu = { false, dev.at, false };
		dev.canAccessProtected = { false, dev.at, false };
		std::map<std::string, int> perType;
		for (const PlaneInfo &p : planes) {
			Plane plane;
			plane.name = p.type + std::to_string(perType[p.type]++);
			plane.at = dev.at;
			std::vector<std::string> formats, unknown;
			for (uint32_t f : p.formats) {
				const char *name = formatName(f);
				if (name && std::find(formats.begin(), formats.end(), name) == formats.end())
					formats.emplace_back(name);
				else if (!name)
					unknown.push_back(fourccString(f));
			}
			if (!formats.empty())
				plane.rules.formats = probed(formats);
			if (p.inFormats) {
				// Per format, as IN_FORMATS gives them; a known format the blob lists with no
				// modifier is taken with none (left out of the mapping, so refused).
				Located<std::vector<FormatModifiers>> mapping = probed(std::vector<FormatModifiers>{});
				for (const InFormat &f : *p.inFormats) {
					const char *name = formatName(f.fourcc);
					if (!name || f.modifiers.empty())
						continue;
					auto known = std::find_if(mapping.value.begin(), mapping.value.end(),
								  [&](const FormatModifiers &e) { return e.format == name; });
					if (known != mapping.value.end())
						continue;
					std::vector<std::string> names;
					names.reserve(f.modifiers.size());
					for (uint64_t m : f.modifiers)
						names.push_back(modifierName(m));
					mapping.value.push_back({ name, dev.at, probed(names) });
				}
				if (!mapping.value.empty())
					plane.rules.modifiersPerFormat = std::move(mapping);
				else
					plane.rules.modifiers = probed(std::vector<std::string>{ std::string(kLinearModifier) });
			} else {
				// A plane without IN_FORMATS takes LINEAR only (the kernel's legacy rule).
				plane.rules.modifiers = probed(std::vector<std::string>{ std::string(kLinearModifier) });
			}
			if (!unknown.empty()) {
				std::string list;
				for (const auto &u : unknown)
					list += (list.empty() ? "" : " ") + u;
				offer.notes.push_back(dev.name + "/" + plane.name + " also scans out " + list +
						      " (not in heapsolve's format table)");
			}
			dev.planes.push_back(std::move(plane));
		}
		// Only planes with IN_FORMATS can take more than LINEAR; without any, the device's
		// default [LINEAR] already is the union. Planes that name no known format bring nothing.
		const bool perFormat = std::any_of(dev.planes.begin(), dev.planes.end(),
						   [](const Plane &p) { return p.rules.modifiersPerFormat.has_value(); });
		if (auto all = unionOfPlanes(dev.planes, dev.at); perFormat && !all.value.empty())
			dev.rules.modifiersPerFormat = std::move(all);
		offer.notes.push_back("device '" + dev.name + "': KMS planes of " + d.primary);
		offer.devices.push_back(std::move(dev));
	}
	return offer;
}

Result<DmaBuf> DrmDumbAdapter::allocate(const Plan &plan, const HeapChoice &heap)
{
	const Request request{ heap.name, plan.size, 0 };
	std::string node = heap.path;
	if (node.empty()) {
		for (const DrmNodes &d : listDrmDevices()) {
			if (d.primary.empty())
				continue;
			auto fd = openPrimary(d.primary);
			if (fd && supportsDumb(fd->get())) {
				node = d.primary;
				break;
			}
		}
		if (node.empty())
			return std::unexpected(Error(LimitError{ Limit::NoDevice, 0, "drm-dumb", "/dev/dri", request }));
	}
	HEAPSOLVE_TRY(boundRequest(request, node));

	HEAPSOLVE_TRY_ASSIGN(UniqueFd card, openPrimary(node));

	// Dumb buffers are sized in lines: ask for 8-bit lines as wide as the plan's first stride
	// (any width for a plan without planes), enough of them to hold plan.size. The layout stays
	// the Plan's: the dma-buf is bytes, and the pitch the driver picks only matters to ADDFB.
	uint64_t lineBytes = !plan.planes.empty() && plan.planes[0].stride ? plan.planes[0].stride : 4096;
	lineBytes = std::min<uint64_t>(lineBytes, 65536);
	const uint64_t lines = (plan.size + lineBytes - 1) / lineBytes;
	if (lines > UINT32_MAX)
		return std::unexpected(Error(LimitError{ Limit::BufferSize, lineBytes * UINT32_MAX, "drm-dumb", node, request }));
	uint32_t handle = 0, pitch = 0;
	uint64_t size = 0;
	if (drmModeCreateDumbBuffer(card.get(), static_cast<uint32_t>(lineBytes), static_cast<uint32_t>(lines), 8, 0,
				    &handle, &pitch, &size) < 0) {
		int err = errno;
		LOG(DrmDumb, Debug) << "DRM_IOCTL_MODE_CREATE_DUMB " << lineBytes << "x" << lines << "x8 on " << node
				    << " failed: " << errnoDescription(err);
		return std::unexpected(Error(SystemError{ "ioctl DRM_IOCTL_MODE_CREATE_DUMB", node, err, request }));
	}
	int prime = -1;
	int ret = drmPrimeHandleToFD(card.get(), handle, DRM_CLOEXEC | DRM_RDWR, &prime);
	int err = errno;
	// The dma-buf holds its own reference to the GEM object: the handle can go now.
	if (drmModeDestroyDumbBuffer(card.get(), handle) < 0)
		LOG(DrmDumb, Warning) << "DRM_IOCTL_MODE_DESTROY_DUMB on " << node << " failed: " << errnoDescription(errno);
	if (ret < 0)
		return std::unexpected(Error(SystemError{ "ioctl DRM_IOCTL_PRIME_HANDLE_TO_FD", node, err, request }));

	DmaBuf buffer;
	buffer.fd = UniqueFd(prime);
	nameDmaBuf(buffer.fd.get(), plan.buffer);
	buffer.size = size;
	buffer.planes = plan.planes;
	buffer.heap = heap.name;
	buffer.exporter = exporterName(buffer.fd.get());
	if (buffer.size < plan.size)
		return std::unexpected(Error(LimitError{ Limit::ShortBuffer, size, "drm-dumb", node, request }));
	return buffer;
}

} // namespace heapsolve
