// SPDX-License-Identifier: Apache-2.0
// drm-dumb on a real KMS driver (vkms) and a PRIME import into another driver (vgem), and the
// rule that no DRM primary node is opened without a PrimaryNodeAccess. Skips without vkms.
#include "adapters/drm_dumb/drm_dumb.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "heapsolve/allocate.h"
#include "heapsolve/probe.h"
#include "tests/adapters/test_util.h"

namespace heapsolve {
namespace {

const DrmNodes *findDriver(const std::vector<DrmNodes> &devices, const std::string &driver)
{
	for (const DrmNodes &d : devices)
		if (d.driver == driver)
			return &d;
	return nullptr;
}

// The /dev/dri/card* nodes this process has open right now.
std::vector<std::string> openPrimaryNodes()
{
	std::vector<std::string> out;
	for (int fd : test::openFds()) {
		char target[PATH_MAX];
		ssize_t n = readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (std::string(target).rfind("/dev/dri/card", 0) == 0)
			out.push_back(target);
	}
	return out;
}

// Counts opens of DRM primary nodes, even one closed at once. In the VM binary open() is wrapped
// (tests/vm/open_spy.cpp) and every open is counted; elsewhere inotify IN_OPEN watches the nodes.
extern "C" __attribute__((weak)) size_t heapsolveTestOpensOf(const char *prefix);
extern "C" __attribute__((weak)) size_t heapsolveTestOpensWithoutCloexec(const char *prefix);

class PrimaryNodeWatch
{
public:
	explicit PrimaryNodeWatch(const std::vector<DrmNodes> &devices)
	{
		if (heapsolveTestOpensOf) {
			spied_ = heapsolveTestOpensOf("/dev/dri/card");
			how_ = "open() wrapper";
			return;
		}
		fd_.reset(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
		for (const DrmNodes &d : devices)
			if (!d.primary.empty() && inotify_add_watch(fd_.get(), d.primary.c_str(), IN_OPEN) >= 0)
				how_ = "inotify";
	}
	// How opens are observed; empty when they cannot be.
	const std::string &how() const { return how_; }
	// Opens since the last call.
	int opens()
	{
		if (heapsolveTestOpensOf) {
			size_t now = heapsolveTestOpensOf("/dev/dri/card");
			int n = static_cast<int>(now - spied_);
			spied_ = now;
			return n;
		}
		int count = 0;
		alignas(inotify_event) char buf[4096];
		ssize_t n;
		while ((n = read(fd_.get(), buf, sizeof(buf))) > 0)
			for (char *p = buf; p < buf + n; p += sizeof(inotify_event) + reinterpret_cast<inotify_event *>(p)->len)
				count += (reinterpret_cast<inotify_event *>(p)->mask & IN_OPEN) != 0;
		return count;
	}

private:
	UniqueFd fd_;
	size_t spied_ = 0;
	std::string how_;
};

class Vkms : public testing::Test
{
protected:
	void SetUp() override
	{
		devices_ = listDrmDevices();
		vkms_ = findDriver(devices_, "vkms");
		if (!vkms_ || vkms_->primary.empty())
			GTEST_SKIP() << "no vkms DRM device here (CONFIG_DRM_VKMS: the heaps kernel, HEAPSOLVE_TEST_KERNEL, has it)";
	}

	std::vector<DrmNodes> devices_;
	const DrmNodes *vkms_ = nullptr;
};

Plan xrgbPlan(const std::string &heap, const std::string &path)
{
	Plan p;
	p.buffer = "scanout";
	p.heap = HeapChoice{ heap, Backend::DrmDumb, path };
	p.format = "XRGB8888";
	p.modifier = "LINEAR";
	p.width = 1920;
	p.height = 1080;
	p.count = 1;
	p.size = 1920 * 4 * 1080;
	p.planes = { PlaneLayout{ 0, 1920 * 4 } };
	return p;
}

TEST_F(Vkms, ProbeFindsPlanesWithFormatsAndModifiers)
{
	auto offer = DrmDumbAdapter(*PrimaryNodeAccess::fromPolicy(Policy{})).probe();
	ASSERT_TRUE(offer);
	const Device *display = nullptr;
	for (const Device &d : offer->devices)
		if (d.name == "vkms")
			display = &d;
	ASSERT_TRUE(display);
	EXPECT_EQ(display->kind.value, DeviceKind::Display);
	ASSERT_FALSE(display->planes.empty());
	EXPECT_EQ(display->planes[0].name, "primary0");
	ASSERT_TRUE(display->planes[0].rules.formats);
	const auto &formats = display->planes[0].rules.formats->value;
	EXPECT_NE(std::find(formats.begin(), formats.end(), "XRGB8888"), formats.end());
	EXPECT_EQ(display->planes[0].rules.modifiers->value, std::vector<std::string>{ "LINEAR" });
	bool dumbHeap = false;
	for (const Heap &h : offer->heaps)
		dumbHeap |= h.name == "vkms-dumb" && h.backend.value == Backend::DrmDumb && h.path->value == vkms_->primary;
	EXPECT_TRUE(dumbHeap);
}

TEST_F(Vkms, DumbBufferPrimeExportScanoutAndVgemImport)
{
	const size_t before = test::openFdCount();
	{
		DrmDumbAdapter adapter(*PrimaryNodeAccess::fromPolicy(Policy{}));
		const auto start = std::chrono::steady_clock::now();
		auto b = adapter.allocate(xrgbPlan("vkms-dumb", vkms_->primary), HeapChoice{ "vkms-dumb", Backend::DrmDumb, vkms_->primary });
		const long long us = test::microsSince(start);
		ASSERT_TRUE(b) << b.error().message();
		test::info("vkms dumb 1920x1080 XRGB8888 + PRIME export in " + std::to_string(us) + " us, exp_name '" +
			   b->exporter + "'");
		EXPECT_GE(b->size, 1920u * 4 * 1080);
		// drm_gem_prime_export() names every GEM export "drm" (KBUILD_MODNAME of drm_prime.c).
		EXPECT_EQ(b->exporter, "drm");
		EXPECT_TRUE(fcntl(b->fd.get(), F_GETFD) & FD_CLOEXEC);
		EXPECT_TRUE(openPrimaryNodes().empty()) << "the card fd is closed after the export";

		// The dma-buf scans out on vkms: import it back and make a framebuffer of it.
		UniqueFd card(open(vkms_->primary.c_str(), O_RDWR | O_CLOEXEC));
		ASSERT_TRUE(card.isValid());
		uint32_t handle = 0;
		ASSERT_EQ(drmPrimeFDToHandle(card.get(), b->fd.get(), &handle), 0) << std::strerror(errno);
		uint32_t handles[4] = { handle }, pitches[4] = { 1920 * 4 }, offsets[4] = { 0 }, fb = 0;
		ASSERT_EQ(drmModeAddFB2(card.get(), 1920, 1080, DRM_FORMAT_XRGB8888, handles, pitches, offsets, &fb, 0), 0)
			<< std::strerror(errno);
		EXPECT_NE(fb, 0u);
		drmModeRmFB(card.get(), fb);
		drmCloseBufferHandle(card.get(), handle);

		// And another driver can import it: vgem through its render node.
		const DrmNodes *vgem = findDriver(devices_, "vgem");
		if (!vgem || vgem->render.empty()) {
			ADD_FAILURE() << "vgem is missing: cannot prove the cross-driver import";
		} else {
			UniqueFd render(open(vgem->render.c_str(), O_RDWR | O_CLOEXEC));
			ASSERT_TRUE(render.isValid());
			uint32_t vh = 0;
			ASSERT_EQ(drmPrimeFDToHandle(render.get(), b->fd.get(), &vh), 0) << std::strerror(errno);
			EXPECT_NE(vh, 0u);
			drmCloseBufferHandle(render.get(), vh);
		}
	}
	EXPECT_EQ(test::openFdCount(), before);
}

TEST_F(Vkms, NoPrimaryNodeOpenedWithoutTheToken)
{
	PrimaryNodeWatch watch(devices_);
	ASSERT_FALSE(watch.how().empty()) << "cannot observe opens: no open() wrapper and no inotify";
	ASSERT_EQ(watch.opens(), 0);

	// Probe and allocate as a caller whose policy forbids drm-dumb.
	Policy forbid;
	forbid.forbidBackends.push_back(Located<Backend>{ Backend::DrmDumb, {}, true });
	ProbeOptions o;
	o.primaryNodes = PrimaryNodeAccess::fromPolicy(forbid);
	ASSERT_FALSE(o.primaryNodes);
	MachineDescription m = probeMachine(o);
	Adapters adapters = Adapters::forMachine(PrimaryNodeAccess::fromPolicy(forbid));
	Plan p = xrgbPlan("system", "");
	p.heap = HeapChoice{ "vkms-dumb", Backend::DrmDumb, vkms_->primary };
	p.others = { HeapChoice{ "udmabuf", Backend::Udmabuf, "/dev/udmabuf" } };
	auto refused = allocatePlan(p, adapters);
	EXPECT_FALSE(refused);
	p.heap = HeapChoice{ "udmabuf", Backend::Udmabuf, "/dev/udmabuf" };
	p.others.clear();
	p.size = 4096;
	auto a = allocatePlan(p, adapters);
	if (access("/dev/udmabuf", F_OK) == 0) {
		EXPECT_TRUE(a) << a.error().message();
	}
	EXPECT_TRUE(openPrimaryNodes().empty()) << "a primary node is open while buffers are held";
	EXPECT_EQ(watch.opens(), 0) << "a DRM primary node was opened without a PrimaryNodeAccess";
	for (const Device &d : m.offer.devices)
		EXPECT_NE(d.kind.value, DeviceKind::Display) << "KMS planes need the primary node";

	// The control: with the token the probe does open it, and the watch sees that.
	ProbeOptions allowed;
	allowed.primaryNodes = PrimaryNodeAccess::fromPolicy(Policy{});
	probeMachine(allowed);
	EXPECT_GT(watch.opens(), 0) << "the watch did not see the allowed open: the check above proves nothing";
}

// Every fd the adapters (and libdrm under them) open on a device node or kernel file is O_CLOEXEC.
TEST_F(Vkms, EveryOpenIsCloexec)
{
	if (!heapsolveTestOpensWithoutCloexec)
		GTEST_SKIP() << "needs the open() wrapper of the VM binary (tests/vm/open_spy.cpp)";
	const size_t dev = heapsolveTestOpensWithoutCloexec("/dev/");
	const size_t proc = heapsolveTestOpensWithoutCloexec("/proc/");
	const size_t sys = heapsolveTestOpensWithoutCloexec("/sys/");
	{
		ProbeOptions o;
		o.primaryNodes = PrimaryNodeAccess::fromPolicy(Policy{});
		probeMachine(o);
		Adapters adapters = Adapters::forMachine(PrimaryNodeAccess::fromPolicy(Policy{}));
		Plan p = xrgbPlan("vkms-dumb", vkms_->primary);
		p.others = { HeapChoice{ "system", Backend::DmaHeap, "/dev/dma_heap/system" },
			     HeapChoice{ "udmabuf", Backend::Udmabuf, "/dev/udmabuf" } };
		for (int first = 0; first < 3; ++first) {
			auto a = allocatePlan(p, adapters);
			EXPECT_TRUE(a) << a.error().message();
			// Rotate so that each backend is the chosen one once.
			std::swap(p.heap, p.others[0]);
			std::swap(p.others[0], p.others[1]);
		}
	}
	EXPECT_EQ(heapsolveTestOpensWithoutCloexec("/dev/"), dev) << "a device node was opened without O_CLOEXEC";
	EXPECT_EQ(heapsolveTestOpensWithoutCloexec("/proc/"), proc) << "a /proc file was opened without O_CLOEXEC";
	// libdrm's drmGetDevices2 reads sysfs with fopen(), which the wrapper does not see; count
	// what it does see.
	EXPECT_EQ(heapsolveTestOpensWithoutCloexec("/sys/"), sys) << "a /sys file was opened without O_CLOEXEC";
}

} // namespace
} // namespace heapsolve
