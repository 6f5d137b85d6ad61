// SPDX-License-Identifier: Apache-2.0
// The chain test's own display code: vkms's CRTC, its primary plane and its writeback connector,
// driven with atomic commits. It opens vkms's DRM *primary* node (/dev/dri/cardN): scanning out
// and writing back need KMS, which render nodes do not offer. That is this test's display code
// acting as a compositor would, not heapsolve's allocation path (whose policy in the chain forbids
// drm-dumb, so the library never opens a primary node there).
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <drm_fourcc.h>
#include <fcntl.h>
#include <map>
#include <optional>
#include <poll.h>
#include <string>
#include <unistd.h>
#include <vector>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "heapsolve/unique_fd.h"

namespace heapsolve::chain {

class Vkms
{
public:
	// Opens the card whose driver is "vkms" and finds the virtual connector, the writeback
	// connector, the first CRTC, its primary plane and a mode of width x height. Empty `error()`
	// on success.
	Vkms(uint32_t width, uint32_t height)
	{
		for (int i = 0; i < 16 && !fd_.isValid(); ++i) {
			const std::string path = "/dev/dri/card" + std::to_string(i);
			UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
			if (!fd.isValid())
				continue;
			drmVersionPtr v = drmGetVersion(fd.get());
			const bool isVkms = v && std::string(v->name, v->name_len) == "vkms";
			drmFreeVersion(v);
			if (isVkms) {
				fd_ = std::move(fd);
				path_ = path;
			}
		}
		if (!fd_.isValid()) {
			error_ = "no DRM card with driver vkms under /dev/dri";
			return;
		}
		if (drmSetClientCap(fd_.get(), DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) ||
		    drmSetClientCap(fd_.get(), DRM_CLIENT_CAP_ATOMIC, 1) ||
		    drmSetClientCap(fd_.get(), DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1)) {
			error_ = "vkms refuses atomic or writeback client caps: " + std::string(std::strerror(errno));
			return;
		}
		drmModeResPtr res = drmModeGetResources(fd_.get());
		if (!res || res->count_crtcs < 1) {
			error_ = "vkms: no CRTC";
			drmModeFreeResources(res);
			return;
		}
		crtc_ = res->crtcs[0];
		for (int i = 0; i < res->count_connectors; ++i) {
			drmModeConnectorPtr c = drmModeGetConnector(fd_.get(), res->connectors[i]);
			if (!c)
				continue;
			if (c->connector_type == DRM_MODE_CONNECTOR_VIRTUAL)
				connector_ = c->connector_id;
			if (c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK) {
				writeback_ = c->connector_id;
				for (int m = 0; m < c->count_modes; ++m)
					if (c->modes[m].hdisplay == width && c->modes[m].vdisplay == height && !mode_)
						mode_ = c->modes[m];
			}
			drmModeFreeConnector(c);
		}
		drmModeFreeResources(res);
		drmModePlaneResPtr planes = drmModeGetPlaneResources(fd_.get());
		for (uint32_t i = 0; planes && i < planes->count_planes && !primary_; ++i) {
			drmModePlanePtr p = drmModeGetPlane(fd_.get(), planes->planes[i]);
			if (p && (p->possible_crtcs & 1) && property(p->plane_id, DRM_MODE_OBJECT_PLANE, "type") == DRM_PLANE_TYPE_PRIMARY) {
				primary_ = p->plane_id;
				primaryFormats_.assign(p->formats, p->formats + p->count_formats);
			}
			drmModeFreePlane(p);
		}
		drmModeFreePlaneResources(planes);
		if (!connector_ || !writeback_ || !primary_ || !mode_) {
			error_ = "vkms: missing virtual connector, writeback connector, primary plane or a " +
				 std::to_string(width) + "x" + std::to_string(height) + " mode";
			return;
		}
		// WRITEBACK_PIXEL_FORMATS: a blob of u32 fourccs (drm_writeback.c).
		if (uint64_t blobId = property(writeback_, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_PIXEL_FORMATS")) {
			drmModePropertyBlobPtr blob = drmModeGetPropertyBlob(fd_.get(), uint32_t(blobId));
			if (blob) {
				const uint32_t *f = static_cast<const uint32_t *>(blob->data);
				writebackFormats_.assign(f, f + blob->length / 4);
			}
			drmModeFreePropertyBlob(blob);
		}
	}

	~Vkms()
	{
		if (!fd_.isValid())
			return;
		if (active_)
			disable();
		for (uint32_t fb : fbs_)
			drmModeRmFB(fd_.get(), fb);
		for (uint32_t handle : handles_)
			drmCloseBufferHandle(fd_.get(), handle);
		if (modeBlob_)
			drmModeDestroyPropertyBlob(fd_.get(), modeBlob_);
	}

	const std::string &error() const { return error_; }
	const std::string &path() const { return path_; }
	const std::vector<uint32_t> &primaryFormats() const { return primaryFormats_; }
	const std::vector<uint32_t> &writebackFormats() const { return writebackFormats_; }

	// PRIME import of a dma-buf and ADDFB2 over it (one plane, LINEAR). 0 and the FB id in `fb`,
	// or the errno.
	int addFramebuffer(int dmabuf, uint32_t width, uint32_t height, uint32_t fourcc, uint32_t stride, uint32_t &fb)
	{
		uint32_t handle = 0;
		if (drmPrimeFDToHandle(fd_.get(), dmabuf, &handle))
			return errno;
		handles_.push_back(handle);
		uint32_t handles[4] = { handle }, pitches[4] = { stride }, offsets[4] = { 0 };
		if (drmModeAddFB2(fd_.get(), width, height, fourcc, handles, pitches, offsets, &fb, 0))
			return errno;
		fbs_.push_back(fb);
		return 0;
	}

	// One atomic commit: `fb` on the primary plane, full screen, and the CRTC's output written
	// back into `writebackFb`. Waits for the writeback's out-fence. 0 or the errno.
	// The writeback connector is the CRTC's only connector: vkms's two encoders are not clones
	// of each other (drm_atomic_check_valid_clones() in drm_atomic_helper.c refuses Virtual-1
	// and Writeback-1 on one CRTC with EINVAL), as IGT's kms_writeback drives it too.
	int show(uint32_t fb, uint32_t writebackFb)
	{
		drmModeAtomicReqPtr req = drmModeAtomicAlloc();
		uint32_t flags = 0;
		if (!active_) {
			if (drmModeCreatePropertyBlob(fd_.get(), &*mode_, sizeof(*mode_), &modeBlob_))
				return errno;
			add(req, crtc_, DRM_MODE_OBJECT_CRTC, "MODE_ID", modeBlob_);
			add(req, crtc_, DRM_MODE_OBJECT_CRTC, "ACTIVE", 1);
			flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
		}
		const uint64_t w = mode_->hdisplay, h = mode_->vdisplay;
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "FB_ID", fb);
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "CRTC_ID", crtc_);
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "SRC_X", 0);
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "SRC_Y", 0);
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "SRC_W", w << 16);
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "SRC_H", h << 16);
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "CRTC_X", 0);
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "CRTC_Y", 0);
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "CRTC_W", w);
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "CRTC_H", h);
		int32_t fence = -1;
		add(req, writeback_, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", crtc_);
		add(req, writeback_, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_FB_ID", writebackFb);
		add(req, writeback_, DRM_MODE_OBJECT_CONNECTOR, "WRITEBACK_OUT_FENCE_PTR", uint64_t(uintptr_t(&fence)));
		int err = missing_.empty() ? 0 : ENOENT;
		if (!err && drmModeAtomicCommit(fd_.get(), req, flags, nullptr))
			err = errno;
		drmModeAtomicFree(req);
		if (err)
			return err;
		active_ = true;
		if (fence < 0)
			return EBADF;
		pollfd p{ fence, POLLIN, 0 };
		const int ready = ::poll(&p, 1, 10000);
		::close(fence);
		return ready == 1 ? 0 : ETIMEDOUT;
	}

	const std::string &missingProperty() const { return missing_; }

private:
	uint64_t property(uint32_t object, uint32_t type, const char *name, uint32_t *id = nullptr) const
	{
		drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd_.get(), object, type);
		uint64_t value = 0;
		for (uint32_t i = 0; props && i < props->count_props; ++i) {
			drmModePropertyPtr p = drmModeGetProperty(fd_.get(), props->props[i]);
			if (p && std::strcmp(p->name, name) == 0) {
				value = props->prop_values[i];
				if (id)
					*id = p->prop_id;
			}
			drmModeFreeProperty(p);
		}
		drmModeFreeObjectProperties(props);
		return value;
	}

	void add(drmModeAtomicReqPtr req, uint32_t object, uint32_t type, const char *name, uint64_t value)
	{
		uint32_t id = 0;
		property(object, type, name, &id);
		if (!id) {
			missing_ = name;
			return;
		}
		drmModeAtomicAddProperty(req, object, id, value);
	}

	void disable()
	{
		drmModeAtomicReqPtr req = drmModeAtomicAlloc();
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "FB_ID", 0);
		add(req, primary_, DRM_MODE_OBJECT_PLANE, "CRTC_ID", 0);
		add(req, writeback_, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", 0);
		add(req, crtc_, DRM_MODE_OBJECT_CRTC, "ACTIVE", 0);
		add(req, crtc_, DRM_MODE_OBJECT_CRTC, "MODE_ID", 0);
		drmModeAtomicCommit(fd_.get(), req, DRM_MODE_ATOMIC_ALLOW_MODESET, nullptr);
		drmModeAtomicFree(req);
		active_ = false;
	}

	UniqueFd fd_;
	std::string path_, error_, missing_;
	uint32_t crtc_ = 0, connector_ = 0, writeback_ = 0, primary_ = 0, modeBlob_ = 0;
	std::optional<drmModeModeInfo> mode_;
	std::vector<uint32_t> primaryFormats_, writebackFormats_;
	std::vector<uint32_t> fbs_, handles_;
	bool active_ = false;
};

} // namespace heapsolve::chain
