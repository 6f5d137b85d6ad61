// SPDX-License-Identifier: Apache-2.0
#include "adapters/v4l2/v4l2.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <map>
#include <sys/ioctl.h>
#include <unistd.h>

#include "adapters/fd/read_file.h"
#include "heapsolve/unique_fd.h"

namespace heapsolve {

namespace {

// V4L2 pixel formats and the DRM fourcc of the same memory layout. Where the codes differ the
// layouts were compared byte by byte: V4L2's RGB3 is R, G, B in memory, which DRM calls BGR888
// (a little-endian [23:0] B:G:R); XR24 (V4L2_PIX_FMT_XBGR32) is B, G, R, X, DRM's XRGB8888
// (Documentation/userspace-api/media/v4l/pixfmt-rgb.rst and pixfmt-yuv-*.rst against
// include/uapi/drm/drm_fourcc.h). cpp: bytes per pixel of the first plane, for the alignment probe.
struct Mapping {
	uint32_t v4l2;
	const char *drm;
	uint32_t cpp;
};
constexpr Mapping kFormats[] = {
	{ V4L2_PIX_FMT_XBGR32, "XRGB8888", 4 },
	{ V4L2_PIX_FMT_ABGR32, "ARGB8888", 4 },
	{ V4L2_PIX_FMT_RGBX32, "XBGR8888", 4 },
	{ V4L2_PIX_FMT_RGBA32, "ABGR8888", 4 },
	{ V4L2_PIX_FMT_RGB24, "BGR888", 3 },
	{ V4L2_PIX_FMT_BGR24, "RGB888", 3 },
	{ V4L2_PIX_FMT_RGB565, "RGB565", 2 },
	{ V4L2_PIX_FMT_YUYV, "YUYV", 2 },
	{ V4L2_PIX_FMT_YVYU, "YVYU", 2 },
	{ V4L2_PIX_FMT_UYVY, "UYVY", 2 },
	{ V4L2_PIX_FMT_VYUY, "VYUY", 2 },
	{ V4L2_PIX_FMT_NV12, "NV12", 1 },
	{ V4L2_PIX_FMT_NV21, "NV21", 1 },
	{ V4L2_PIX_FMT_NV16, "NV16", 1 },
	{ V4L2_PIX_FMT_NV61, "NV61", 1 },
	{ V4L2_PIX_FMT_NV24, "NV24", 1 },
	{ V4L2_PIX_FMT_NV42, "NV42", 1 },
	{ V4L2_PIX_FMT_YUV420, "YUV420", 1 },
	{ V4L2_PIX_FMT_YVU420, "YVU420", 1 },
	{ V4L2_PIX_FMT_YUV422P, "YUV422", 1 },
	{ V4L2_PIX_FMT_GREY, "R8", 1 },
};

// Formats of two or three colour planes among kFormats: where the chroma stride is a question. In
// V4L2 all of them keep their planes in one memory plane (NV12M and friends are other codes).
constexpr uint32_t kMultiPlaneColour[] = { V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV21, V4L2_PIX_FMT_NV16,
					   V4L2_PIX_FMT_NV61, V4L2_PIX_FMT_NV24, V4L2_PIX_FMT_NV42,
					   V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YVU420, V4L2_PIX_FMT_YUV422P };

const Mapping *mappingOf(uint32_t pixelformat)
{
	for (const Mapping &m : kFormats)
		if (m.v4l2 == pixelformat)
			return &m;
	return nullptr;
}

int xioctl(int fd, unsigned long request, void *arg)
{
	int r;
	do
		r = ::ioctl(fd, request, arg);
	while (r < 0 && errno == EINTR);
	return r < 0 ? errno : 0;
}

std::string fourccText(uint32_t f)
{
	std::string s;
	for (int i = 0; i < 4; ++i) {
		const char c = char((f >> (8 * i)) & 0xff);
		s += (c > 0x20 && c < 0x7f) ? c : (c == ' ' ? '_' : '?');
	}
	return s;
}

uint64_t alignUp(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

std::optional<uint64_t> smallestPowerOfTwo(const std::vector<std::pair<uint64_t, uint64_t>> &naturalAndGot)
{
	if (naturalAndGot.empty())
		return std::nullopt;
	for (uint64_t a = 1; a <= 4096; a *= 2)
		if (std::all_of(naturalAndGot.begin(), naturalAndGot.end(), [&](auto p) { return alignUp(p.first, a) == p.second; }))
			return a;
	return std::nullopt;
}

// Sizes no driver prefers: odd, prime-ish, and different in both dimensions, so that any rounding
// the driver applies shows (docs/probe-v4l2.md).
constexpr std::pair<uint32_t, uint32_t> kTrySizes[] = { { 97, 61 }, { 241, 123 }, { 333, 247 }, { 641, 479 } };

struct Queue {
	uint32_t type;
	const char *plane;
};

// `chroma_stride: derived` (schema.md, "Additions of 2026-12") for a queue whose multi-plane
// colour format lives in one memory plane: the driver answers one bytesperline, the luma's, and
// the chroma planes' lines follow from it by the format's definition (videodev2.h: struct
// v4l2_pix_format has a single bytesperline; pixfmt-yuv-planar.rst: YUV420's Cb and Cr lines
// are half of it, NV12's CbCr line equals it). That is so for every format of the single-planar
// API (V4L2_CAP_VIDEO_CAPTURE/OUTPUT/M2M), and in the multi-planar API (the _MPLANE caps) when
// VIDIOC_TRY_FMT answers num_planes 1. Decided with VIDIOC_TRY_FMT (which changes nothing) at
// 641x479 on the queue's first such format; the answer goes into the note.
void chromaStrideOf(int fd, uint32_t type, bool mplane, const Mapping &format, const std::string &where, Plane &plane,
		    std::vector<std::string> &notes)
{
	v4l2_format f{};
	f.type = type;
	uint32_t width = 0, height = 0, bytesperline = 0, sizeimage = 0, memoryPlanes = 1, answered = 0;
	if (mplane) {
		f.fmt.pix_mp.width = 641;
		f.fmt.pix_mp.height = 479;
		f.fmt.pix_mp.pixelformat = format.v4l2;
		f.fmt.pix_mp.field = V4L2_FIELD_NONE;
	} else {
		f.fmt.pix.width = 641;
		f.fmt.pix.height = 479;
		f.fmt.pix.pixelformat = format.v4l2;
		f.fmt.pix.field = V4L2_FIELD_NONE;
	}
	if (const int err = xioctl(fd, VIDIOC_TRY_FMT, &f)) {
		notes.push_back(where + ": chroma stride not decided: VIDIOC_TRY_FMT " + format.drm + ": " + errnoDescription(err));
		return;
	}
	if (mplane) {
		answered = f.fmt.pix_mp.pixelformat;
		width = f.fmt.pix_mp.width;
		height = f.fmt.pix_mp.height;
		memoryPlanes = f.fmt.pix_mp.num_planes;
		bytesperline = f.fmt.pix_mp.plane_fmt[0].bytesperline;
		sizeimage = f.fmt.pix_mp.plane_fmt[0].sizeimage;
	} else {
		answered = f.fmt.pix.pixelformat;
		width = f.fmt.pix.width;
		height = f.fmt.pix.height;
		bytesperline = f.fmt.pix.bytesperline;
		sizeimage = f.fmt.pix.sizeimage;
	}
	if (answered != format.v4l2) {
		notes.push_back(where + ": chroma stride not decided: VIDIOC_TRY_FMT " + format.drm + " answered " +
				fourccText(answered));
		return;
	}
	const std::string answer = "VIDIOC_TRY_FMT " + std::string(format.drm) + " 641x479 answers " + std::to_string(width) +
				   "x" + std::to_string(height) + ", one bytesperline " + std::to_string(bytesperline) +
				   " and sizeimage " + std::to_string(sizeimage) + " for all its planes";
	if (memoryPlanes != 1) {
		// Each memory plane then has its own bytesperline: the aligned default stands.
		notes.push_back(where + ": chroma_stride left aligned: VIDIOC_TRY_FMT " + format.drm + " answers num_planes " +
				std::to_string(memoryPlanes) + ", each with its own bytesperline");
		return;
	}
	plane.rules.chromaStride = probed(ChromaStride::Derived);
	notes.push_back(where + ": chroma_stride: derived: " +
			(mplane ? "multi-planar API, but num_planes 1: " : "single-planar API (no _MPLANE capability): ") +
			answer + "; the chroma lines follow from it (videodev2.h, pixfmt-yuv-planar.rst)");
}

} // namespace

const char *drmNameOfV4l2(uint32_t pixelformat)
{
	const Mapping *m = mappingOf(pixelformat);
	return m ? m->drm : nullptr;
}

std::optional<InferredAlignment> inferAlignment(const std::vector<TrySample> &samples, uint32_t cpp)
{
	// Stride against the width asked: a driver that rounds the width up shows as stride
	// alignment (in bytes of the format probed with). A driver that picks sizes of its own
	// (vivid's webcam input) matches no power of two: nothing is inferred.
	std::vector<std::pair<uint64_t, uint64_t>> asked, heights;
	for (const TrySample &s : samples) {
		asked.emplace_back(uint64_t(s.width) * cpp, s.bytesperline);
		heights.emplace_back(s.height, s.gotHeight);
	}
	std::optional<uint64_t> stride = smallestPowerOfTwo(asked);
	std::optional<uint64_t> height = smallestPowerOfTwo(heights);
	if (!stride || !height)
		return std::nullopt;
	return InferredAlignment{ *stride <= cpp ? 1 : *stride, *height };
}

Result<Offer> probeV4l2(const V4l2Paths &paths)
{
	Offer offer;
	std::vector<int> numbers;
	if (DIR *d = ::opendir(paths.devices.c_str())) {
		while (dirent *e = ::readdir(d)) { // NOLINT(concurrency-mt-unsafe): this DIR is this call's own; glibc's readdir locks per DIR
			unsigned n = 0;
			char tail = 0;
			if (std::sscanf(e->d_name, "video%u%c", &n, &tail) == 1) // NOLINT(cert-err34-c): a /dev name the kernel gives as videoN
				numbers.push_back(int(n));
		}
		::closedir(d);
	}
	std::sort(numbers.begin(), numbers.end());
	if (numbers.empty())
		offer.notes.push_back("v4l2: no video nodes under " + paths.devices);
	for (int number : numbers) {
		const std::string node = "video" + std::to_string(number);
		const std::string path = paths.devices + "/" + node;
		UniqueFd fd(::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
		if (!fd.isValid()) {
			offer.notes.push_back("v4l2: " + Error(SystemError{ "open", path, errno, {} }).summary());
			continue;
		}
		v4l2_capability cap{};
		if (int err = xioctl(fd.get(), VIDIOC_QUERYCAP, &cap)) {
			offer.notes.push_back("v4l2: " + Error(SystemError{ "ioctl VIDIOC_QUERYCAP", path, err, {} }).summary());
			continue;
		}
		const uint32_t caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps : cap.capabilities;
		const bool m2m = caps & (V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE);
		const bool capture = m2m || (caps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE));
		const bool output = m2m || (caps & (V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_VIDEO_OUTPUT_MPLANE));
		const std::string driver = reinterpret_cast<const char *>(cap.driver);
		const std::string card = reinterpret_cast<const char *>(cap.card);
		if (!capture && !output) {
			offer.notes.push_back("v4l2: " + path + " (" + driver + ") has no video queue (metadata, VBI, radio...): left out");
			continue;
		}
		const bool mplane = caps & (V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_VIDEO_CAPTURE_MPLANE | V4L2_CAP_VIDEO_OUTPUT_MPLANE);
		Device dev;
		dev.name = driver + "-" + node;
		std::string summary = "device '" + dev.name + "': " + path + ", driver " + driver + ", card '" + card + "', " +
				      (m2m ? "mem2mem" : capture ? "capture"
								 : "output") +
				      (mplane ? " (multi-planar API)" : "");
		bool compressed = false;
		std::vector<Queue> queues;
		if (capture)
			queues.push_back({ mplane ? uint32_t(V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) : uint32_t(V4L2_BUF_TYPE_VIDEO_CAPTURE), "capture" });
		if (output)
			queues.push_back({ mplane ? uint32_t(V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE) : uint32_t(V4L2_BUF_TYPE_VIDEO_OUTPUT), "output" });
		for (const Queue &q : queues) {
			Plane plane;
			plane.name = q.plane;
			const std::string where = dev.name + "/" + q.plane;
			std::vector<std::string> names, unnamed;
			const Mapping *probeWith = nullptr;
			const Mapping *chromaWith = nullptr; // the first format of several colour planes
			v4l2_fmtdesc desc{};
			desc.type = q.type;
			for (desc.index = 0; xioctl(fd.get(), VIDIOC_ENUM_FMT, &desc) == 0; ++desc.index) {
				if (desc.flags & V4L2_FMT_FLAG_COMPRESSED)
					compressed = true;
				const Mapping *m = mappingOf(desc.pixelformat);
				if (!m) {
					unnamed.push_back(fourccText(desc.pixelformat));
					continue;
				}
				if (std::find(names.begin(), names.end(), m->drm) == names.end())
					names.emplace_back(m->drm);
				if (!probeWith || (m->cpp == 4 && probeWith->cpp != 4))
					probeWith = m;
				if (!chromaWith && std::count(std::begin(kMultiPlaneColour), std::end(kMultiPlaneColour), m->v4l2))
					chromaWith = m;
			}
			if (!names.empty())
				plane.rules.formats = probed(names);
			if (!unnamed.empty()) {
				std::string list;
				for (const std::string &u : unnamed)
					list += " " + u;
				offer.notes.push_back(where + ": VIDIOC_ENUM_FMT also lists, without a DRM name:" + list);
			}
			// dma-buf import: VIDIOC_REQBUFS with count 0 frees nothing and reports the
			// queue's capabilities (videodev2.h, V4L2_BUF_CAP_SUPPORTS_DMABUF).
			v4l2_requestbuffers req{};
			req.type = q.type;
			req.memory = V4L2_MEMORY_DMABUF;
			const int reqErr = xioctl(fd.get(), VIDIOC_REQBUFS, &req);
			if (reqErr || !(req.capabilities & V4L2_BUF_CAP_SUPPORTS_DMABUF))
				offer.notes.push_back(where + ": cannot import dma-bufs (VIDIOC_REQBUFS V4L2_MEMORY_DMABUF count 0: " +
						      (reqErr ? errnoDescription(reqErr) : "no V4L2_BUF_CAP_SUPPORTS_DMABUF") + ")");
			// Alignment, with VIDIOC_TRY_FMT (which changes nothing) at odd sizes.
			if (probeWith && !mplane) {
				std::vector<TrySample> samples;
				for (auto [w, h] : kTrySizes) {
					v4l2_format f{};
					f.type = q.type;
					f.fmt.pix.width = w;
					f.fmt.pix.height = h;
					f.fmt.pix.pixelformat = probeWith->v4l2;
					f.fmt.pix.field = V4L2_FIELD_NONE;
					if (xioctl(fd.get(), VIDIOC_TRY_FMT, &f) == 0 && f.fmt.pix.pixelformat == probeWith->v4l2)
						samples.push_back({ w, h, f.fmt.pix.bytesperline, f.fmt.pix.height });
				}
				const std::optional<InferredAlignment> a = samples.size() == std::size(kTrySizes)
										   ? inferAlignment(samples, probeWith->cpp)
										   : std::nullopt;
				if (a) {
					if (a->stride > 1)
						plane.rules.alignStride = probed(a->stride);
					if (a->height > 1)
						plane.rules.alignHeight = probed(a->height);
				} else {
					std::string seen;
					for (const TrySample &s : samples)
						seen += " " + std::to_string(s.width) + "x" + std::to_string(s.height) + "->bytesperline " +
							std::to_string(s.bytesperline) + " height " + std::to_string(s.gotHeight) + ";";
					offer.notes.push_back(where + ": no stride or height alignment inferred: VIDIOC_TRY_FMT " +
							      std::string(probeWith->drm) + seen +
							      " (the driver picks sizes of its own, or pads otherwise)");
				}
			}
			if (chromaWith)
				chromaStrideOf(fd.get(), q.type, mplane, *chromaWith, where, plane, offer.notes);
			dev.planes.push_back(std::move(plane));
		}
		// A video output node is not a KMS display (no planes, no scanout rules): `other`.
		dev.kind = probed(m2m	    ? (compressed ? DeviceKind::Codec : DeviceKind::Other)
				  : capture ? DeviceKind::Camera
					    : DeviceKind::Other);
		// Contiguity: V4L2 has no query for it. vivid says it through its module parameter
		// (vivid-core.c: "allocators: memory allocator selection, default is 0. 0=vmalloc,
		// 1=dma-contig"), one value per instance, the instance in bus_info "platform:vivid-NNN".
		unsigned instance = 0;
		if (driver == "vivid" &&
		    std::sscanf(reinterpret_cast<const char *>(cap.bus_info), "platform:vivid-%u", &instance) == 1) { // NOLINT(cert-err34-c): bus_info vivid writes as "platform:vivid-%03d"
			const std::string values = readFile(paths.modules + "/vivid/parameters/allocators").value_or("");
			size_t at = 0;
			for (unsigned i = 0; i < instance && at != std::string::npos; ++i)
				at = values.find(',', at) == std::string::npos ? std::string::npos : values.find(',', at) + 1;
			if (at != std::string::npos && at < values.size() && (values[at] == '0' || values[at] == '1')) {
				dev.rules.contiguous = probed(values[at] == '1');
				summary += std::string(", ") + (values[at] == '1' ? "videobuf2-dma-contig: needs contiguous memory"
										  : "videobuf2-vmalloc");
			}
		} else {
			summary += ", contiguity: the driver does not say";
		}
		offer.notes.push_back(summary);
		offer.devices.push_back(std::move(dev));
	}
	return offer;
}

} // namespace heapsolve
