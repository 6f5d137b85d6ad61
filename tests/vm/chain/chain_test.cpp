// SPDX-License-Identifier: Apache-2.0
// The whole chain on real drivers, in the media kernel (tests/vm/chain/run.sh boots it with
// vivid.allocators=1 and cma=64M@0-256M): camera (vivid capture, videobuf2-dma-contig) -> codec
// (vicodec's stateful FWHT encoder, then its decoder) -> display (vkms's primary plane), with every
// buffer described from what the drivers answer, solved by heapsolve, allocated with
// allocatePlan() and imported by each device that touches it. The displayed frame is read back
// through vkms's writeback connector and compared with the decoded frame, pixel by pixel.
//
// The counter-proof: vivid's buffer from a heap the solver rejects (udmabuf's scattered shmem
// pages) fails at import with the driver's errno, and the solver named that conflict first.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/dma-buf.h>
#include <map>
#include <set>
#include <sstream>
#include <sys/klog.h>
#include <sys/mman.h>
#include <thread>

#include "heapsolve/allocate.h"
#include "heapsolve/loader.h"
#include "heapsolve/probe.h"
#include "heapsolve/solver.h"
#include "tests/adapters/test_util.h"
#include "tests/vm/chain/bufinfo.h"
#include "tests/vm/chain/kms.h"
#include "tests/vm/chain/v4l2.h"

namespace heapsolve::chain {
namespace {

constexpr uint32_t kWidth = 640, kHeight = 480; // a size vivid's webcam input offers and a vkms mode
constexpr int kFrames = 30;
constexpr uint32_t kCaptured = 4, kCoded = 2, kDecoded = 3;
constexpr uint32_t CAP = V4L2_BUF_TYPE_VIDEO_CAPTURE, OUT = V4L2_BUF_TYPE_VIDEO_OUTPUT;

std::string drmFormatsYaml(const std::vector<uint32_t> &drm)
{
	std::string names;
	for (uint32_t f : drm)
		if (f == DRM_FORMAT_XRGB8888 || f == DRM_FORMAT_ARGB8888 || f == DRM_FORMAT_RGB565)
			names += std::string(names.empty() ? "" : ", ") +
				 (f == DRM_FORMAT_XRGB8888 ? "XRGB8888" : f == DRM_FORMAT_ARGB8888 ? "ARGB8888"
												   : "RGB565");
	return names.empty() ? "" : "formats: [" + names + "]";
}

// The CPU's view of a dma-buf, bracketed by DMA_BUF_IOCTL_SYNC.
class Mapped
{
public:
	Mapped(const DmaBuf &b) : fd_(b.fd.get()), size_(b.size)
	{
		void *p = ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd_, 0);
		data_ = p == MAP_FAILED ? nullptr : static_cast<const uint8_t *>(p);
		dma_buf_sync s{ DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
		if (data_)
			xioctl(fd_, DMA_BUF_IOCTL_SYNC, &s);
	}
	~Mapped()
	{
		if (!data_)
			return;
		dma_buf_sync s{ DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ };
		xioctl(fd_, DMA_BUF_IOCTL_SYNC, &s);
		::munmap(const_cast<uint8_t *>(data_), size_);
	}
	const uint8_t *data() const { return data_; }

private:
	int fd_;
	uint64_t size_;
	const uint8_t *data_ = nullptr;
};

// The kernel log (as dmesg shows it).
std::string kernelLog()
{
	std::string buf(1 << 20, '\0');
	const int n = ::klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf.data(), int(buf.size()));
	return n > 0 ? buf.substr(0, size_t(n)) : "";
}

struct Nodes {
	VideoNode camera, encoder, decoder;
};

// The drivers by what they answer: vivid's capture node, and vicodec's stateful encoder (FWHT on
// its CAPTURE queue) and decoder (FWHT on its OUTPUT queue).
std::optional<Nodes> findNodes(std::string &why)
{
	std::optional<VideoNode> camera, encoder, decoder;
	for (const VideoNode &n : videoNodes()) {
		if (n.driver == "vivid" && (n.deviceCaps & V4L2_CAP_VIDEO_CAPTURE) && !camera)
			camera = n;
		if (n.driver == "vicodec" && (n.deviceCaps & V4L2_CAP_VIDEO_M2M) && n.captures(V4L2_PIX_FMT_FWHT))
			encoder = n;
		if (n.driver == "vicodec" && (n.deviceCaps & V4L2_CAP_VIDEO_M2M) && n.outputs(V4L2_PIX_FMT_FWHT))
			decoder = n;
	}
	if (!camera || !encoder || !decoder) {
		why = std::string("missing:") + (camera ? "" : " vivid capture") + (encoder ? "" : " vicodec encoder") +
		      (decoder ? "" : " vicodec decoder");
		return std::nullopt;
	}
	return Nodes{ *camera, *encoder, *decoder };
}

// Everything the chain needs before the first frame: the drivers' formats (their answers
// describe the devices), vkms, the system those answers describe, and its solution.
class Chain
{
public:
	// `forbid`: the policy's forbid_backends (the counter-proof forbids dma-heap).
	explicit Chain(const std::string &forbid = "[drm-dumb]") : vkms(kWidth, kHeight)
	{
		std::string why;
		auto found = findNodes(why);
		if (!found) {
			error = why;
			return;
		}
		nodes = *found;
		if (!vkms.error().empty()) {
			error = vkms.error();
			return;
		}
		camera = UniqueFd(::open(nodes.camera.path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
		encoder = UniqueFd(::open(nodes.encoder.path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
		decoder = UniqueFd(::open(nodes.decoder.path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
		int input = 0; // vivid's input 0, its webcam (vivid-core.c: "Webcam 0")
		if (int e = xioctl(camera.get(), VIDIOC_S_INPUT, &input)) {
			error = "VIDIOC_S_INPUT 0 on " + nodes.camera.path + ": " + std::strerror(e);
			return;
		}
		auto set = [&](int fd, const VideoNode &n, uint32_t type, uint32_t fourcc, v4l2_pix_format &out) {
			if (int e = setFormat(fd, type, fourcc, kWidth, kHeight, out)) {
				error = "VIDIOC_S_FMT " + fourccText(fourcc) + " on " + n.path + ": " + std::strerror(e);
				return false;
			}
			if (out.pixelformat != fourcc || out.width != kWidth || out.height != kHeight) {
				error = n.path + " answered " + fourccText(out.pixelformat) + " " + std::to_string(out.width) + "x" +
					std::to_string(out.height) + " to S_FMT " + fourccText(fourcc);
				return false;
			}
			return true;
		};
		if (!set(camera.get(), nodes.camera, CAP, V4L2_PIX_FMT_XBGR32, cameraFmt) ||
		    !set(encoder.get(), nodes.encoder, OUT, V4L2_PIX_FMT_XBGR32, encoderRaw) ||
		    !set(encoder.get(), nodes.encoder, CAP, V4L2_PIX_FMT_FWHT, encoderCoded) ||
		    !set(decoder.get(), nodes.decoder, OUT, V4L2_PIX_FMT_FWHT, decoderCoded))
			return;
		codedSize = std::max(encoderCoded.sizeimage, decoderCoded.sizeimage);
		describe(forbid);
	}

	void describe(const std::string &forbid)
	{
		// The machine as `heapsolve probe` sees it: heaps, udmabuf, DRM devices and KMS planes.
		ProbeOptions options;
		options.primaryNodes = PrimaryNodeAccess::fromPolicy(Policy{});
		MachineDescription machine = probeMachine(options);
		for (const Device &d : machine.offer.devices)
			if (d.name.rfind("vkms", 0) == 0 && !d.planes.empty())
				display = d.name;
		if (display.empty()) {
			error = "probe found no vkms display device";
			return;
		}
		// The V4L2 devices come from the probe (adapters/v4l2: vivid-videoN with its contiguity,
		// vicodec-videoN with a plane per queue); this file adds what no probe reports.
		std::ostringstream y;
		y << "version: 1\n"
		  << "devices:\n"
		  << "  # vkms's writeback connector: WRITEBACK_PIXEL_FORMATS (those with a schema name)\n"
		  << "  - name: vkms-writeback\n"
		  << "    kind: display\n"
		  << "    " << drmFormatsYaml(vkms.writebackFormats()) << "\n"
		  << "  - name: test-cpu\n"
		  << "    kind: cpu\n"
		  << "    cache: cached\n"
		  << "buffers:\n"
		  << "  - name: captured\n"
		  << "    format: XRGB8888\n"
		  << "    width: " << kWidth << "\n"
		  << "    height: " << kHeight << "\n"
		  << "    count: " << kCaptured << "\n"
		  << "    producer: " << nodes.camera.name() << "/capture\n"
		  << "    consumers: [" << nodes.encoder.name() << "/output, test-cpu]\n"
		  << "  # The FWHT bitstream: bytes, described as one line of R8 as long as the larger\n"
		  << "  # sizeimage of the encoder's CAPTURE and the decoder's OUTPUT queue (VIDIOC_S_FMT).\n"
		  << "  - name: coded\n"
		  << "    format: R8\n"
		  << "    width: " << codedSize << "\n"
		  << "    height: 1\n"
		  << "    count: " << kCoded << "\n"
		  << "    producer: " << nodes.encoder.name() << "/capture\n"
		  << "    consumers: [" << nodes.decoder.name() << "/output]\n"
		  << "  - name: decoded\n"
		  << "    format: XRGB8888\n"
		  << "    width: " << kWidth << "\n"
		  << "    height: " << kHeight << "\n"
		  << "    count: " << kDecoded << "\n"
		  << "    producer: " << nodes.decoder.name() << "/capture\n"
		  << "    consumers: [" << display << "/primary0, test-cpu]\n"
		  << "  - name: written-back\n"
		  << "    format: XRGB8888\n"
		  << "    width: " << kWidth << "\n"
		  << "    height: " << kHeight << "\n"
		  << "    producer: vkms-writeback\n"
		  << "    consumers: [test-cpu]\n"
		  << "policy:\n"
		  << "  # The library never opens a DRM primary node here: every buffer is a heap dma-buf.\n"
		  << "  forbid_backends: " << forbid << "\n";
		machineYaml = toYaml(machine);
		pipelineYaml = y.str();
		const InputFile files[] = { { "machine.yaml", machineYaml }, { "chain.yaml", pipelineYaml } };
		auto system = loadSystem(files);
		if (!system) {
			error = system.error().message() + "\n" + pipelineYaml;
			return;
		}
		auto solution = solve(*system, system->policy);
		if (!solution) {
			error = solution.error().message();
			return;
		}
		for (BufferResult &r : solution->buffers)
			results.emplace(r.name, std::move(r));
		contiguousHeaps.clear();
		for (const Heap &h : system->heaps)
			if (h.contiguous.value)
				contiguousHeaps.insert(h.name);
	}

	std::string error;
	Nodes nodes;
	Vkms vkms;
	UniqueFd camera, encoder, decoder;
	v4l2_pix_format cameraFmt{}, encoderRaw{}, encoderCoded{}, decoderCoded{};
	uint32_t codedSize = 0;
	std::string display, machineYaml, pipelineYaml;
	std::map<std::string, BufferResult> results;
	std::set<std::string> contiguousHeaps;
};

// Peak signal-to-noise ratio of the R, G, B bytes of two XRGB8888 frames, in dB.
double psnr(const uint8_t *a, const uint8_t *b, uint32_t stride)
{
	double se = 0;
	for (uint32_t y = 0; y < kHeight; ++y)
		for (uint32_t x = 0; x < kWidth; ++x)
			for (int c = 0; c < 3; ++c) {
				const double d = double(a[y * stride + x * 4 + c]) - double(b[y * stride + x * 4 + c]);
				se += d * d;
			}
	const double mse = se / (double(kWidth) * kHeight * 3);
	return mse == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / mse);
}

// Pixels whose R, G or B differ, and the first one.
uint64_t differingPixels(const uint8_t *a, const uint8_t *b, uint32_t stride, std::string &first)
{
	uint64_t n = 0;
	for (uint32_t y = 0; y < kHeight; ++y)
		for (uint32_t x = 0; x < kWidth; ++x) {
			const uint8_t *p = a + y * stride + x * 4, *q = b + y * stride + x * 4;
			if (p[0] != q[0] || p[1] != q[1] || p[2] != q[2]) {
				if (!n++) {
					char text[96];
					std::snprintf(text, sizeof text, "(%u,%u) %02x%02x%02x vs %02x%02x%02x", x, y, p[2], p[1], p[0], q[2], q[1],
						      q[0]);
					first = text;
				}
			}
		}
	return n;
}

TEST(Chain, CameraCodecDisplayShareSolvedBuffers)
{
	const std::vector<BufInfo> before = readBufInfo();
	ASSERT_TRUE(before.empty()) << "dma-bufs alive before the chain starts: " << before.size();
	std::map<std::string, Allocation> buffers;
	{
		Chain chain;
		ASSERT_TRUE(chain.error.empty()) << chain.error;
		test::info("chain: camera " + chain.nodes.camera.path + ", encoder " + chain.nodes.encoder.path + ", decoder " +
			   chain.nodes.decoder.path + ", display " + chain.vkms.path() + " (" + chain.display + "/primary0)");
		// Every buffer solves; vivid's on a contiguous heap (it said it needs one), the others not.
		for (const char *name : { "captured", "coded", "decoded", "written-back" }) {
			ASSERT_TRUE(chain.results.count(name)) << name;
			const BufferResult &r = chain.results.at(name);
			ASSERT_TRUE(r.ok()) << name << ": " << (r.ok() ? "" : r.conflict().explanation.front()) << "\n"
					    << chain.pipelineYaml;
			test::info("chain: buffer '" + std::string(name) + "': " + std::to_string(r.plan().count) + " x " +
				   std::to_string(r.plan().size) + " bytes, heap '" + r.plan().heap.name + "'");
		}
		EXPECT_TRUE(chain.contiguousHeaps.count(chain.results.at("captured").plan().heap.name))
			<< "vivid with dma-contig needs a contiguous heap; the plan chose " << chain.results.at("captured").plan().heap.name;
		EXPECT_FALSE(chain.contiguousHeaps.count(chain.results.at("decoded").plan().heap.name))
			<< "scarce contiguous memory is kept for those who need it";
		// The plan's stride is the one each driver computed (VIDIOC_S_FMT's bytesperline).
		EXPECT_EQ(chain.results.at("captured").plan().planes.at(0).stride, chain.cameraFmt.bytesperline);
		EXPECT_EQ(chain.results.at("captured").plan().planes.at(0).stride, chain.encoderRaw.bytesperline);

		const Adapters adapters = Adapters::forMachine(std::nullopt); // the policy forbids drm-dumb
		for (const char *name : { "captured", "coded", "decoded", "written-back" }) {
			auto a = allocatePlan(chain.results.at(name).plan(), adapters);
			ASSERT_TRUE(a) << name << ": " << a.error().message();
			buffers.emplace(name, std::move(*a));
		}
		const std::vector<DmaBuf> &captured = buffers.at("captured").buffers, &coded = buffers.at("coded").buffers,
					  &decoded = buffers.at("decoded").buffers;
		const DmaBuf &writtenBack = buffers.at("written-back").buffers.at(0);
		const uint32_t stride = uint32_t(chain.results.at("decoded").plan().planes.at(0).stride);

		// Imports. vivid and the encoder's OUTPUT queue take the captured buffers, slot i = buffer i.
		const int cam = chain.camera.get(), enc = chain.encoder.get(), dec = chain.decoder.get();
		ASSERT_EQ(requestDmabufSlots(cam, CAP, kCaptured), 0);
		for (uint32_t i = 0; i < kCaptured; ++i)
			ASSERT_EQ(queueDmabuf(cam, CAP, i, captured[i].fd.get(), uint32_t(captured[i].size)), 0) << "vivid QBUF " << i;
		ASSERT_EQ(requestDmabufSlots(enc, OUT, kCaptured), 0);
		ASSERT_EQ(requestDmabufSlots(enc, CAP, kCoded), 0);
		ASSERT_EQ(requestDmabufSlots(dec, OUT, kCoded), 0);
		v4l2_event_subscription sub{};
		sub.type = V4L2_EVENT_SOURCE_CHANGE;
		ASSERT_EQ(xioctl(dec, VIDIOC_SUBSCRIBE_EVENT, &sub), 0);
		// vkms imports the decoded buffers and the writeback target: PRIME + ADDFB2.
		std::vector<uint32_t> decodedFb(kDecoded);
		for (uint32_t k = 0; k < kDecoded; ++k)
			ASSERT_EQ(chain.vkms.addFramebuffer(decoded[k].fd.get(), kWidth, kHeight, DRM_FORMAT_XRGB8888, stride, decodedFb[k]), 0);
		uint32_t writebackFb = 0;
		ASSERT_EQ(chain.vkms.addFramebuffer(writtenBack.fd.get(), kWidth, kHeight, DRM_FORMAT_XRGB8888,
						    uint32_t(chain.results.at("written-back").plan().planes.at(0).stride), writebackFb),
			  0);

		ASSERT_EQ(streamOn(cam, CAP), 0);
		ASSERT_EQ(streamOn(enc, OUT), 0);
		ASSERT_EQ(streamOn(enc, CAP), 0);
		ASSERT_EQ(streamOn(dec, OUT), 0);
		double worstPsnr = 99;
		uint64_t compared = 0;
		for (int frame = 0; frame < kFrames; ++frame) {
			v4l2_buffer got{};
			ASSERT_EQ(dequeue(cam, CAP, got), 0) << "vivid frame " << frame;
			const uint32_t i = got.index, j = uint32_t(frame) % kCoded, k = uint32_t(frame) % kDecoded;
			ASSERT_EQ(queueDmabuf(enc, OUT, i, captured[i].fd.get(), uint32_t(captured[i].size), got.bytesused), 0);
			ASSERT_EQ(queueDmabuf(enc, CAP, j, coded[j].fd.get(), uint32_t(coded[j].size)), 0);
			v4l2_buffer bits{}, raw{};
			ASSERT_EQ(dequeue(enc, CAP, bits), 0) << "encoder frame " << frame;
			ASSERT_EQ(dequeue(enc, OUT, raw), 0);
			ASSERT_GT(bits.bytesused, 0u);
			ASSERT_EQ(queueDmabuf(dec, OUT, j, coded[j].fd.get(), uint32_t(coded[j].size), bits.bytesused), 0);
			if (frame == 0) {
				// The stateful decoding protocol: the first header announces the stream's format
				// (Documentation/userspace-api/media/v4l/dev-decoder.rst, "Capture Setup").
				ASSERT_EQ(waitEvent(dec, V4L2_EVENT_SOURCE_CHANGE), 0) << "no SOURCE_CHANGE from the decoder";
				v4l2_pix_format decodedFmt{};
				ASSERT_EQ(setFormat(dec, CAP, V4L2_PIX_FMT_XBGR32, kWidth, kHeight, decodedFmt), 0);
				ASSERT_EQ(decodedFmt.pixelformat, V4L2_PIX_FMT_XBGR32) << fourccText(decodedFmt.pixelformat);
				EXPECT_EQ(decodedFmt.bytesperline, stride) << "the decoder's stride is the plan's";
				ASSERT_EQ(requestDmabufSlots(dec, CAP, kDecoded), 0);
				ASSERT_EQ(streamOn(dec, CAP), 0);
			}
			ASSERT_EQ(queueDmabuf(dec, CAP, k, decoded[k].fd.get(), uint32_t(decoded[k].size)), 0);
			v4l2_buffer pic{}, spent{};
			ASSERT_EQ(dequeue(dec, CAP, pic), 0) << "decoder frame " << frame;
			ASSERT_EQ(dequeue(dec, OUT, spent), 0);
			ASSERT_EQ(pic.index, k);

			const int shown = chain.vkms.show(decodedFb[k], writebackFb);
			if (shown != 0) {
				const std::string log = kernelLog();
				ASSERT_EQ(shown, 0) << "atomic commit, frame " << frame << " " << chain.vkms.missingProperty()
						    << "; kernel log: " << log.substr(log.size() > 1500 ? log.size() - 1500 : 0);
			}
			{
				Mapped cap(captured[i]), pix(decoded[k]), wb(writtenBack);
				ASSERT_TRUE(cap.data() && pix.data() && wb.data());
				// What the display scanned out is the decoded frame, bit for bit.
				std::string first;
				const uint64_t differ = differingPixels(wb.data(), pix.data(), stride, first);
				EXPECT_EQ(differ, 0u) << "frame " << frame << ": writeback differs from the decoded frame, first at " << first;
				// And the decoded frame is the camera's, through a lossy codec.
				worstPsnr = std::min(worstPsnr, psnr(cap.data(), pix.data(), stride));
				++compared;
			}
			if (frame == kFrames / 2) {
				// Mid-stream, every buffer is one dma-buf that each of its devices holds.
				const std::vector<BufInfo> all = readBufInfo();
				size_t ours = 0;
				for (auto &[name, a] : buffers)
					ours += a.buffers.size();
				EXPECT_EQ(all.size(), ours) << "a dma-buf exists that heapsolve did not allocate (a copy?)";
				auto expect = [&](const DmaBuf &b, const char *what, long count, std::vector<std::string> attached) {
					const BufInfo *info = findBuf(all, b.fd.get());
					ASSERT_NE(info, nullptr) << what;
					EXPECT_EQ(info->exporter, b.heap) << what;
					EXPECT_EQ(info->count, count) << what << ": references (our fd + each importer's)";
					for (const std::string &dev : attached)
						EXPECT_NE(std::find(info->attached.begin(), info->attached.end(), dev), info->attached.end())
							<< what << " is not attached to " << dev;
				};
				// References: our fd is 1. Each V4L2 slot that holds the buffer is 1 (vb2's
				// __prepare_dmabuf() keeps the dma_buf_get() of the queued fd). vkms's PRIME import
				// is 3 (drm_prime.c, drm_gem_prime_fd_to_handle(): the import's get_dma_buf(),
				// obj->dma_buf's, and drm_prime_add_buf_handle()'s).
				// Attachments: vivid (vb2-dma-contig) and vkms attach; vicodec uses vb2-vmalloc,
				// which vmaps the dma-buf without attaching (videobuf2-vmalloc.c:
				// vb2_vmalloc_attach_dmabuf() keeps the dma_buf and calls no dma_buf_attach()), so
				// it shows as its slot's reference only.
				for (uint32_t n = 0; n < kCaptured; ++n)
					expect(captured[n], "captured", 1 + 1 + 1, { "vivid.0" }); // + vivid, + encoder OUTPUT
				for (uint32_t n = 0; n < kCoded; ++n)
					expect(coded[n], "coded", 1 + 1 + 1, {}); // + encoder CAPTURE, + decoder OUTPUT
				for (uint32_t n = 0; n < kDecoded; ++n)
					expect(decoded[n], "decoded", 1 + 1 + 3, { "vkms" }); // + decoder CAPTURE, + vkms
				expect(writtenBack, "written-back", 1 + 3, { "vkms" });	      // + vkms
				std::string line;
				for (const BufInfo &b : all)
					line += b.exporter + "[" + std::to_string(b.count) + (b.attached.empty() ? "" : " ") +
						[&] {
							std::string s;
							for (auto &d : b.attached)
								s += (s.empty() ? "" : ",") + d;
							return s;
						}() +
						"] ";
				test::info("chain: bufinfo mid-stream: " + line);
			}
			ASSERT_EQ(queueDmabuf(cam, CAP, i, captured[i].fd.get(), uint32_t(captured[i].size)), 0);
		}
		EXPECT_EQ(compared, uint64_t(kFrames));
		// FWHT is lossy; vivid's colour bars through it keep well above this (measured in the VM:
		// see tests/vm/README.md). Below it, the decoded frame is not the captured one.
		EXPECT_GT(worstPsnr, 25.0);
		test::info("chain: " + std::to_string(kFrames) + " frames; writeback == decoded on each; worst PSNR decoded vs captured " +
			   std::to_string(worstPsnr) + " dB");
		streamOff(cam, CAP);
		streamOff(enc, OUT);
		streamOff(enc, CAP);
		streamOff(dec, OUT);
		streamOff(dec, CAP);
	}
	buffers.clear();
	// Everything closed: no dma-buf is left in the kernel.
	std::vector<BufInfo> after = readBufInfo();
	for (int i = 0; i < 50 && !after.empty(); ++i) {
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
		after = readBufInfo();
	}
	EXPECT_TRUE(after.empty()) << after.size() << " dma-bufs left after the chain closed";
}

// Frees single pages scattered through memory, so that the next order-0 allocations (a
// memfd's shmem pages, which udmabuf pins) get pages that are not neighbours: every other
// page of 8 MiB that this process touched, punched out while its neighbours stay held.
class ScatteredPages
{
public:
	ScatteredPages()
	{
		fd_ = UniqueFd(::memfd_create("scatter", MFD_CLOEXEC));
		const size_t pages = 2048, page = 4096;
		if (!fd_.isValid() || ::ftruncate(fd_.get(), off_t(pages * page)))
			return;
		std::vector<char> one(page, 1);
		for (size_t p = 0; p < pages; ++p)
			if (::pwrite(fd_.get(), one.data(), page, off_t(p * page)) != off_t(page))
				return;
		for (size_t p = 0; p < pages; p += 2)
			::fallocate(fd_.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(p * page), off_t(page));
	}

private:
	UniqueFd fd_;
};

TEST(Chain, ScatteredHeapIsRejectedBySolverAndRefusedByVivid)
{
	// The solver first: with DMA-BUF heaps forbidden, only udmabuf is left for vivid's buffer.
	Chain chain("[dma-heap, drm-dumb]");
	ASSERT_TRUE(chain.error.empty()) << chain.error;
	ASSERT_TRUE(chain.results.count("captured"));
	const BufferResult &r = chain.results.at("captured");
	ASSERT_FALSE(r.ok()) << "the solver accepted udmabuf for vivid's dma-contig buffer";
	bool heapNamed = false, cameraNamed = false;
	for (const Culprit &c : r.conflict().culprits) {
		if (c.rule == Rule::Contiguous && c.user == "udmabuf")
			heapNamed = true;
		if (c.rule == Rule::Contiguous && c.user.rfind(chain.nodes.camera.name(), 0) == 0)
			cameraNamed = true;
	}
	EXPECT_TRUE(heapNamed && cameraNamed) << "the conflict should name heap udmabuf and " << chain.nodes.camera.name()
					      << " with rule contiguous";
	for (const std::string &s : r.conflict().explanation)
		test::info("chain: solver: " + s);

	// Then the kernel: the plan of the permissive chain, its heap replaced by udmabuf.
	Chain permissive;
	ASSERT_TRUE(permissive.error.empty()) << permissive.error;
	Plan plan = permissive.results.at("captured").plan();
	const Plan good = plan;
	plan.heap = HeapChoice{ "udmabuf", Backend::Udmabuf, "/dev/udmabuf" };
	plan.others.clear();
	const Adapters adapters = Adapters::forMachine(std::nullopt);
	Result<Allocation> scattered = [&] {
		ScatteredPages holes;
		return allocatePlan(plan, adapters);
	}();
	ASSERT_TRUE(scattered) << scattered.error().message();
	auto contiguous = allocatePlan(good, adapters);
	ASSERT_TRUE(contiguous) << contiguous.error().message();
	const int cam = chain.camera.get();
	ASSERT_EQ(requestDmabufSlots(cam, CAP, kCaptured), 0);
	const DmaBuf &bad = scattered->buffers.at(0);
	const int err = queueDmabuf(cam, CAP, 0, bad.fd.get(), uint32_t(bad.size));
	// videobuf2-dma-contig.c, vb2_dc_map_dmabuf(): "contiguous chunk is too small %lu/%lu",
	// return -EFAULT; vb2_core_qbuf() passes it on.
	EXPECT_EQ(err, EFAULT) << "vivid (dma-contig) imported a udmabuf: " << std::strerror(err);
	const std::string log = kernelLog();
	EXPECT_NE(log.find("contiguous chunk is too small"), std::string::npos) << "the driver's reason is not in the kernel log";
	test::info("chain: vivid QBUF of a udmabuf: " + std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")");
	// The same slot takes the solver's contiguous buffer: the refusal is the heap's, not the call's.
	const DmaBuf &ok = contiguous->buffers.at(0);
	EXPECT_EQ(queueDmabuf(cam, CAP, 0, ok.fd.get(), uint32_t(ok.size)), 0);
	EXPECT_EQ(requestDmabufSlots(cam, CAP, 0), 0);
}

} // namespace
} // namespace heapsolve::chain
