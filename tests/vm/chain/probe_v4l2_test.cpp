// SPDX-License-Identifier: Apache-2.0
// `heapsolve probe` on the media kernel's V4L2 test drivers: what each driver answers becomes a
// device of the YAML, and the YAML loads. The expectations cite the driver source they follow
// (Linux 6.12, drivers/media/test-drivers/).
#include <algorithm>
#include <gtest/gtest.h>

#include "adapters/v4l2/v4l2.h"
#include "heapsolve/loader.h"
#include "heapsolve/probe.h"
#include "tests/adapters/test_util.h"

namespace heapsolve {
namespace {

const Device *deviceOf(const Offer &o, const std::string &driver, DeviceKind kind, const std::string &plane = "",
		       const std::string &format = "")
{
	for (const Device &d : o.devices) {
		if (d.name.rfind(driver + "-video", 0) != 0 || d.kind.value != kind)
			continue;
		if (plane.empty())
			return &d;
		const Plane *p = d.findPlane(plane);
		if (p && p->rules.formats == std::nullopt && format.empty())
			return &d;
		if (p && p->rules.formats && format.size() &&
		    std::count(p->rules.formats->value.begin(), p->rules.formats->value.end(), format))
			return &d;
	}
	return nullptr;
}

bool hasNote(const Offer &o, const std::string &prefix, const std::string &text)
{
	return std::any_of(o.notes.begin(), o.notes.end(),
			   [&](const std::string &n) { return n.rfind(prefix, 0) == 0 && n.find(text) != std::string::npos; });
}

std::vector<std::string> formatsOf(const Device &d, const std::string &plane)
{
	const Plane *p = d.findPlane(plane);
	return p && p->rules.formats ? p->rules.formats->value : std::vector<std::string>{};
}

TEST(ProbeV4l2, TestDriversAsDevices)
{
	const size_t fds = test::openFdCount();
	auto offer = probeV4l2();
	ASSERT_TRUE(offer) << offer.error().message();
	EXPECT_EQ(test::openFdCount(), fds);
	for (const std::string &n : offer->notes)
		test::info("probe v4l2: " + n);

	// vivid's capture node: a camera; with vivid.allocators=1 (run.sh's command line) it uses
	// videobuf2-dma-contig and so needs contiguous memory.
	const Device *vivid = deviceOf(*offer, "vivid", DeviceKind::Camera, "capture", "XRGB8888");
	ASSERT_NE(vivid, nullptr);
	ASSERT_TRUE(vivid->rules.contiguous);
	EXPECT_TRUE(vivid->rules.contiguous->value);
	const std::vector<std::string> captured = formatsOf(*vivid, "capture");
	for (const char *f : { "NV12", "YUYV", "YUV420", "ARGB8888" })
		EXPECT_TRUE(std::count(captured.begin(), captured.end(), std::string(f))) << f;
	// Its webcam input offers fixed frame sizes (vivid-vid-cap.c, webcam_sizes[]): TRY_FMT at odd
	// sizes answers one of them, so no alignment can be inferred and the probe says so.
	EXPECT_TRUE(hasNote(*offer, vivid->name + "/capture", "no stride or height alignment inferred"));
	EXPECT_FALSE(vivid->findPlane("capture")->rules.alignStride);
	// Single-planar (vivid-core.c:108-110: multiplanar defaults to 1, "creates a single planar
	// device"), so NV12 and YUV420 have one bytesperline: vivid sizes the further colour planes
	// from plane 0's (vivid-vid-cap.c:654-656, "pfmt[0].sizeimage += (pfmt[0].bytesperline *
	// mp->height * ...") and its pattern generator derives their lines from it
	// (include/media/tpg/v4l2-tpg.h:471-475, "plane_w = bpl * tpg->twopixelsize[p] /
	// tpg->twopixelsize[0]"): chroma_stride derived, on the capture queue.
	ASSERT_TRUE(vivid->findPlane("capture")->rules.chromaStride);
	EXPECT_EQ(vivid->findPlane("capture")->rules.chromaStride->value, ChromaStride::Derived);
	EXPECT_TRUE(hasNote(*offer, vivid->name + "/capture", "chroma_stride: derived: single-planar API"));
	EXPECT_FALSE(vivid->rules.chromaStride) << "said per queue, not for the device";

	// vicodec's stateful encoder: raw formats in, FWHT out, which has no DRM name.
	const Device *encoder = deviceOf(*offer, "vicodec", DeviceKind::Codec, "output", "XRGB8888");
	ASSERT_NE(encoder, nullptr);
	EXPECT_TRUE(hasNote(*offer, encoder->name + "/capture", "without a DRM name: FWHT")) << encoder->name;
	EXPECT_FALSE(encoder->rules.contiguous) << "vicodec (vb2-vmalloc) says nothing about contiguity";
	// vicodec's encoder answers VIDIOC_TRY_FMT on its raw queue with sizes of its own (in 6.12,
	// 97x61 -> 640x360, bytesperline 2560: the note carries every answer), so nothing is inferred
	// and no alignment is written rather than a guessed one.
	EXPECT_TRUE(hasNote(*offer, encoder->name + "/output", "no stride or height alignment inferred"));
	EXPECT_FALSE(encoder->findPlane("output")->rules.alignStride);
	EXPECT_FALSE(encoder->findPlane("output")->rules.alignHeight);
	// Its raw queue is single-planar too (vicodec-core.c:32, "static bool multiplanar;", off by
	// default): one bytesperline, width x bytesperline_mult (vicodec-core.c:852-853), and the
	// codec finds Cb at luma + size and Cr a quarter further (codec-v4l2-fwht.c:123-124, YUV420).
	ASSERT_TRUE(encoder->findPlane("output")->rules.chromaStride);
	EXPECT_EQ(encoder->findPlane("output")->rules.chromaStride->value, ChromaStride::Derived);
	EXPECT_FALSE(encoder->findPlane("capture")->rules.chromaStride) << "FWHT, a compressed format, has no chroma";

	// vim2m: mem2mem without a compressed format, so `other`. vim2m.c vidioc_try_fmt(): "width &=
	// ~(walign - 1)" rounds the width *down*, which no alignment expresses: a note, no align.
	const Device *scaler = deviceOf(*offer, "vim2m", DeviceKind::Other);
	ASSERT_NE(scaler, nullptr);
	EXPECT_TRUE(hasNote(*offer, scaler->name + "/capture", "no stride or height alignment inferred"));
	// Its formats (vim2m.c:91-129: RGB565, RGB565X, RGB24, BGR24, YUYV, Bayer) are all of one
	// colour plane: no chroma stride to derive, nothing written.
	EXPECT_FALSE(scaler->findPlane("capture")->rules.chromaStride);
	EXPECT_FALSE(scaler->findPlane("output")->rules.chromaStride);

	// visl: the multi-planar API, but NV12 and YUV420 (visl-video.c:134-137) come back from
	// VIDIOC_TRY_FMT through v4l2_fill_pixfmt_mp() with num_planes 1 and one bytesperline for all
	// colour planes (v4l2-common.c:398-416, "if (info->mem_planes == 1) ... plane->sizeimage +=
	// ... for (i = 0; i < info->comp_planes; i++)"): derived as well, said by num_planes.
	const Device *visl = deviceOf(*offer, "visl", DeviceKind::Codec);
	ASSERT_NE(visl, nullptr);
	ASSERT_TRUE(visl->findPlane("capture")->rules.chromaStride);
	EXPECT_EQ(visl->findPlane("capture")->rules.chromaStride->value, ChromaStride::Derived);
	EXPECT_TRUE(hasNote(*offer, visl->name + "/capture", "chroma_stride: derived: multi-planar API, but num_planes 1"));

	// Every queue of these drivers imports dma-bufs (VIDIOC_REQBUFS count 0 reports
	// V4L2_BUF_CAP_SUPPORTS_DMABUF; vb2 queues with io_modes including VB2_DMABUF).
	EXPECT_FALSE(hasNote(*offer, "", "cannot import dma-bufs"));
}

TEST(ProbeV4l2, MachineYamlWithVideoDevicesLoads)
{
	ProbeOptions o;
	o.primaryNodes = PrimaryNodeAccess::fromPolicy(Policy{});
	const std::string yaml = toYaml(probeMachine(o));
	const InputFile files[] = { { "probe.yaml", yaml } };
	auto system = loadSystem(files);
	ASSERT_TRUE(system) << system.error().message() << "\n"
			    << yaml;
	const Device *vivid = nullptr;
	for (const Device &d : system->devices)
		if (d.name.rfind("vivid-video", 0) == 0 && d.kind.value == DeviceKind::Camera)
			vivid = &d;
	ASSERT_NE(vivid, nullptr) << yaml;
	ASSERT_TRUE(vivid->rules.contiguous) << yaml;
	EXPECT_TRUE(vivid->rules.contiguous->value);
	EXPECT_NE(yaml.find("# device 'vicodec-video"), std::string::npos) << yaml;
	// The derived chroma stride survives the round trip, on vivid's capture queue.
	ASSERT_TRUE(vivid->findPlane("capture")) << yaml;
	ASSERT_TRUE(vivid->findPlane("capture")->rules.chromaStride) << yaml;
	EXPECT_EQ(vivid->findPlane("capture")->rules.chromaStride->value, ChromaStride::Derived);
	test::info("probe: " + std::to_string(system->devices.size()) + " devices, " + std::to_string(system->heaps.size()) + " heaps");
}

} // namespace
} // namespace heapsolve
