// SPDX-License-Identifier: Apache-2.0
// The little of V4L2 the chain test drives by hand: finding a driver's node by what it answers to
// VIDIOC_QUERYCAP and VIDIOC_ENUM_FMT, setting a format, and queueing dma-bufs it did not allocate
// (V4L2_MEMORY_DMABUF). Every call returns the driver's errno (0 on success), never throws.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

#include "heapsolve/unique_fd.h"

namespace heapsolve::chain {

// 0, or the errno of the ioctl (EINTR retried).
inline int xioctl(int fd, unsigned long request, void *arg)
{
	int r;
	do
		r = ::ioctl(fd, request, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? errno : 0;
}

inline std::string fourccText(uint32_t f)
{
	std::string s;
	for (int i = 0; i < 4; ++i) {
		char c = char((f >> (8 * i)) & 0xff);
		s += (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	return s;
}

struct VideoNode {
	std::string path;   // /dev/videoN
	std::string driver; // v4l2_capability.driver
	uint32_t deviceCaps = 0;
	std::vector<uint32_t> captureFormats; // VIDIOC_ENUM_FMT on the (single-planar) CAPTURE queue
	std::vector<uint32_t> outputFormats;  // ... and on the OUTPUT queue
	std::string name() const { return driver + "-" + path.substr(path.rfind('/') + 1); }
	bool captures(uint32_t f) const { return std::find(captureFormats.begin(), captureFormats.end(), f) != captureFormats.end(); }
	bool outputs(uint32_t f) const { return std::find(outputFormats.begin(), outputFormats.end(), f) != outputFormats.end(); }
};

inline std::vector<uint32_t> enumFormats(int fd, uint32_t type)
{
	std::vector<uint32_t> out;
	v4l2_fmtdesc d{};
	d.type = type;
	for (d.index = 0; xioctl(fd, VIDIOC_ENUM_FMT, &d) == 0; ++d.index)
		out.push_back(d.pixelformat);
	return out;
}

// Every /dev/video* node that answers VIDIOC_QUERYCAP, with its single-planar formats.
inline std::vector<VideoNode> videoNodes()
{
	std::vector<VideoNode> nodes;
	for (int i = 0; i < 64; ++i) {
		const std::string path = "/dev/video" + std::to_string(i);
		UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
		if (!fd.isValid())
			continue;
		v4l2_capability cap{};
		if (xioctl(fd.get(), VIDIOC_QUERYCAP, &cap) != 0)
			continue;
		VideoNode n;
		n.path = path;
		n.driver = reinterpret_cast<const char *>(cap.driver);
		n.deviceCaps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
		if (n.deviceCaps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_M2M))
			n.captureFormats = enumFormats(fd.get(), V4L2_BUF_TYPE_VIDEO_CAPTURE);
		if (n.deviceCaps & (V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_VIDEO_M2M))
			n.outputFormats = enumFormats(fd.get(), V4L2_BUF_TYPE_VIDEO_OUTPUT);
		nodes.push_back(std::move(n));
	}
	return nodes;
}

// S_FMT of a single-planar queue; the driver's answer is written back into `out`.
inline int setFormat(int fd, uint32_t type, uint32_t fourcc, uint32_t width, uint32_t height, v4l2_pix_format &out,
		     uint32_t sizeimage = 0)
{
	v4l2_format f{};
	f.type = type;
	f.fmt.pix.width = width;
	f.fmt.pix.height = height;
	f.fmt.pix.pixelformat = fourcc;
	f.fmt.pix.field = V4L2_FIELD_NONE;
	f.fmt.pix.sizeimage = sizeimage;
	const int err = xioctl(fd, VIDIOC_S_FMT, &f);
	out = f.fmt.pix;
	return err;
}

inline int getFormat(int fd, uint32_t type, v4l2_pix_format &out)
{
	v4l2_format f{};
	f.type = type;
	const int err = xioctl(fd, VIDIOC_G_FMT, &f);
	out = f.fmt.pix;
	return err;
}

// VIDIOC_REQBUFS with V4L2_MEMORY_DMABUF: `count` slots that take dma-bufs from outside.
inline int requestDmabufSlots(int fd, uint32_t type, uint32_t count, uint32_t *granted = nullptr)
{
	v4l2_requestbuffers r{};
	r.type = type;
	r.memory = V4L2_MEMORY_DMABUF;
	r.count = count;
	const int err = xioctl(fd, VIDIOC_REQBUFS, &r);
	if (granted)
		*granted = r.count;
	return err;
}

// Queues dma-buf `dmabuf` (of `length` bytes) in slot `index`; `bytesused` for OUTPUT queues.
inline int queueDmabuf(int fd, uint32_t type, uint32_t index, int dmabuf, uint32_t length, uint32_t bytesused = 0)
{
	v4l2_buffer b{};
	b.type = type;
	b.memory = V4L2_MEMORY_DMABUF;
	b.index = index;
	b.m.fd = dmabuf;
	b.length = length;
	b.bytesused = bytesused;
	b.field = V4L2_FIELD_NONE;
	return xioctl(fd, VIDIOC_QBUF, &b);
}

// Waits (poll, up to `timeoutMs`) and dequeues one buffer of `type`. The node is opened
// O_NONBLOCK, so a driver that never finishes gives ETIMEDOUT here instead of a hung test.
inline int dequeue(int fd, uint32_t type, v4l2_buffer &out, int timeoutMs = 10000)
{
	for (int waited = 0;; waited += 10) {
		v4l2_buffer b{};
		b.type = type;
		b.memory = V4L2_MEMORY_DMABUF;
		const int err = xioctl(fd, VIDIOC_DQBUF, &b);
		if (err == 0) {
			out = b;
			return 0;
		}
		if (err != EAGAIN)
			return err;
		if (waited >= timeoutMs)
			return ETIMEDOUT;
		pollfd p{ fd, POLLIN | POLLOUT | POLLPRI, 0 };
		::poll(&p, 1, 10);
	}
}

inline int streamOn(int fd, uint32_t type)
{
	int t = int(type);
	return xioctl(fd, VIDIOC_STREAMON, &t);
}

inline int streamOff(int fd, uint32_t type)
{
	int t = int(type);
	return xioctl(fd, VIDIOC_STREAMOFF, &t);
}

// Waits for one event of `type` (subscribed before) and dequeues it.
inline int waitEvent(int fd, uint32_t type, int timeoutMs = 10000)
{
	pollfd p{ fd, POLLPRI, 0 };
	if (::poll(&p, 1, timeoutMs) <= 0)
		return ETIMEDOUT;
	v4l2_event e{};
	const int err = xioctl(fd, VIDIOC_DQEVENT, &e);
	if (err)
		return err;
	return e.type == type ? 0 : EPROTO;
}

} // namespace heapsolve::chain
