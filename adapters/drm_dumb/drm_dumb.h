// SPDX-License-Identifier: Apache-2.0
// DRM devices through libdrm: render nodes and KMS planes for the probe, and dumb buffers
// (DRM_IOCTL_MODE_CREATE_DUMB + PRIME export) as the drm-dumb backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "heapsolve/primary_node.h"

namespace heapsolve {

// One DRM device as drmGetDevices2() lists it (it reads sysfs; it opens no node).
struct DrmNodes {
	std::string primary; // /dev/dri/cardN, empty when the device has none
	std::string render;  // /dev/dri/renderDN, empty when the device has none
	std::string driver;  // the kernel driver's name, from sysfs ("vkms", "vgem", "i915")
};

// One format of a KMS plane's IN_FORMATS blob with the modifiers the driver takes for it, in
// the blob's modifier order (DRM_FORMAT_MOD_INVALID left out).
struct InFormat {
	uint32_t fourcc = 0;
	std::vector<uint64_t> modifiers;
};

// Reads an IN_FORMATS property blob (include/uapi/drm/drm_mode.h, struct
// drm_format_modifier_blob): the formats in blob order, each with the modifiers whose format
// bitmask covers it. nullopt when the header or an array lies outside `length` bytes.
std::optional<std::vector<InFormat>> parseInFormats(const void *data, size_t length);

// A KMS device's own per-format modifier mapping: per format, the union of its planes' lists
// (each plane's mapping, or its plain list for each of its formats), in order of first appearance.
Located<std::vector<FormatModifiers>> unionOfPlanes(const std::vector<Plane> &planes, const Source &at);

// Every DRM device, in primary-node order. Opens nothing.
std::vector<DrmNodes> listDrmDevices();

// Render nodes as `kind: render` devices (named after their driver, "-render" appended when the
// name is taken). Opens no node: render nodes are described from sysfs.
Offer probeRenderNodes(const std::vector<DrmNodes> &devices);

class DrmDumbAdapter final : public Adapter
{
public:
	// Needs the token: see primary_node.h.
	explicit DrmDumbAdapter(PrimaryNodeAccess) {}

	Backend backend() const override { return Backend::DrmDumb; }

	// For every primary node: a heap "<driver>-dumb" when the driver supports dumb buffers, and,
	// when it has KMS planes, a `kind: display` device "<driver>" whose `planes:` carry each
	// plane's formats (those heapsolve's format table knows) and modifiers per format as
	// IN_FORMATS gives them; the device's own mapping is, per format, the union of its planes'
	// lists (so that the device's default [LINEAR] does not narrow what a plane takes).
	// Each node is opened O_RDWR | O_CLOEXEC, read, and closed at once; master is dropped
	// right after opening when the open made us master.
	Result<Offer> probe() override;

	// A dumb buffer of at least plan.size bytes on heap.path (else the first primary node that
	// supports dumb buffers), exported with drmPrimeHandleToFD(DRM_CLOEXEC | DRM_RDWR). The GEM
	// handle and the card fd are closed before returning; the dma-buf keeps the memory.
	Result<DmaBuf> allocate(const Plan &plan, const HeapChoice &heap) override;
};

} // namespace heapsolve
