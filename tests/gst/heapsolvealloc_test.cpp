// SPDX-License-Identifier: Apache-2.0
// heapsolvealloc under GstHarness: the real plugin (loaded from the built .so) answers the
// ALLOCATION query with the solved pool, its buffers carry the solved layout and are recycled, and
// an unsatisfiable system or bad file is an element error naming the culprit.
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gst/allocators/allocators.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

namespace {

const std::string kBoard = "tests/gst/data/board.yaml";
const std::string kBroken = "tests/gst/data/broken.yaml";

// NV12 320x240 for vpu (stride align 64, height 16) and display (stride align 256):
// stride 512 for both planes, chroma at 512 * 240 = 122880 (already 4 KiB aligned),
// size 122880 + 512 * 120 = 184320; only the CMA heap lies in display's window.
const char *kNv12Caps = "video/x-raw,format=NV12,width=320,height=240,framerate=30/1";
constexpr guint64 kNv12Size = 184320;

struct HarnessDeleter {
	void operator()(GstHarness *h) const { gst_harness_teardown(h); }
};
using Harness = std::unique_ptr<GstHarness, HarnessDeleter>;

// This host has no DMA-BUF heaps: the pools of these tests ask for memfd memory explicitly
// (HeapMemoryIsAllocatedOrRefusedWithTheNode shows what the default does here).
Harness makeHarness(const std::string &properties, const std::string &memory = "memfd=true")
{
	std::string line = "heapsolvealloc name=alloc system-files=<" + kBoard + "> " + memory + " " + properties;
	return Harness(gst_harness_new_parse(line.c_str()));
}

GstElement *allocElement(GstHarness *h)
{
	return gst_bin_get_by_name(GST_BIN(h->element), "alloc"); // transfer full
}

std::vector<guint64> numbersOf(GstElement *e, const char *property)
{
	GValue v = G_VALUE_INIT;
	g_value_init(&v, GST_TYPE_ARRAY);
	g_object_get_property(G_OBJECT(e), property, &v);
	std::vector<guint64> out;
	for (guint i = 0; i < gst_value_array_get_size(&v); i++)
		out.push_back(g_value_get_uint64(gst_value_array_get_value(&v, i)));
	g_value_unset(&v);
	return out;
}

// The upstream side of the ALLOCATION query: what a producer such as videotestsrc receives.
GstQuery *queryAllocation(GstHarness *h, const char *caps)
{
	GstCaps *c = gst_caps_from_string(caps);
	GstQuery *q = gst_query_new_allocation(c, TRUE);
	gst_caps_unref(c);
	if (!gst_pad_peer_query(h->srcpad, q)) {
		gst_query_unref(q);
		return nullptr;
	}
	return q;
}

size_t openFds()
{
	size_t n = 0;
	for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator("/proc/self/fd"))
		n++;
	return n;
}

std::string popError(GstBus *bus, GError **domainOut = nullptr)
{
	GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
	if (!m)
		return "";
	GError *err = nullptr;
	gchar *debug = nullptr;
	gst_message_parse_error(m, &err, &debug);
	std::string text = std::string(err->message) + "\n" + (debug ? debug : "");
	if (domainOut)
		*domainOut = g_error_copy(err);
	g_error_free(err);
	g_free(debug);
	gst_message_unref(m);
	return text;
}

TEST(HeapsolveAlloc, ProposesSolvedPoolWithVideoMeta)
{
	Harness h = makeHarness("producer=vpu consumers=<display>");
	gst_harness_add_propose_allocation_meta(h.get(), GST_VIDEO_META_API_TYPE, nullptr);
	gst_harness_set_src_caps_str(h.get(), kNv12Caps);

	GstElement *alloc = allocElement(h.get());
	gchar *heap = nullptr;
	guint64 size = 0;
	g_object_get(alloc, "heap", &heap, "size", &size, nullptr);
	EXPECT_STREQ(heap, "cma");
	EXPECT_EQ(size, kNv12Size);
	EXPECT_EQ(numbersOf(alloc, "strides"), (std::vector<guint64>{ 512, 512 }));
	EXPECT_EQ(numbersOf(alloc, "offsets"), (std::vector<guint64>{ 0, 122880 }));
	g_free(heap);
	gst_object_unref(alloc);

	GstQuery *q = queryAllocation(h.get(), kNv12Caps);
	ASSERT_NE(q, nullptr);
	ASSERT_EQ(gst_query_get_n_allocation_pools(q), 1u);
	GstBufferPool *pool = nullptr;
	guint poolSize = 0, min = 0, max = 0;
	gst_query_parse_nth_allocation_pool(q, 0, &pool, &poolSize, &min, &max);
	EXPECT_EQ(poolSize, kNv12Size);
	EXPECT_EQ(max, 4u); // buffer-count's default: the heap was checked for room for 4
	EXPECT_TRUE(gst_query_find_allocation_meta(q, GST_VIDEO_META_API_TYPE, nullptr));
	gst_query_unref(q);
	ASSERT_NE(pool, nullptr);

	GstStructure *config = gst_buffer_pool_get_config(pool);
	GstCaps *caps = gst_caps_from_string(kNv12Caps);
	gst_buffer_pool_config_set_params(config, caps, poolSize, min, max);
	gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
	ASSERT_TRUE(gst_buffer_pool_set_config(pool, config));
	const size_t fdsBefore = openFds();
	ASSERT_TRUE(gst_buffer_pool_set_active(pool, TRUE));

	GstBuffer *buffer = nullptr;
	ASSERT_EQ(gst_buffer_pool_acquire_buffer(pool, &buffer, nullptr), GST_FLOW_OK);
	ASSERT_EQ(gst_buffer_n_memory(buffer), 1u);
	GstMemory *mem = gst_buffer_peek_memory(buffer, 0);
	// On a host the memory is a memfd: fd memory, honestly not labelled dma-buf.
	EXPECT_TRUE(gst_is_fd_memory(mem));
	EXPECT_FALSE(gst_is_dmabuf_memory(mem));
	EXPECT_EQ(gst_buffer_get_size(buffer), kNv12Size);
	int fd = gst_fd_memory_get_fd(mem);

	GstVideoMeta *meta = gst_buffer_get_video_meta(buffer);
	ASSERT_NE(meta, nullptr);
	EXPECT_EQ(meta->format, GST_VIDEO_FORMAT_NV12);
	EXPECT_EQ(meta->n_planes, 2u);
	EXPECT_EQ(meta->stride[0], 512);
	EXPECT_EQ(meta->stride[1], 512);
	EXPECT_EQ(meta->offset[0], 0u);
	EXPECT_EQ(meta->offset[1], 122880u);

	// The producer writes through the meta; the frame maps with the solved strides.
	GstVideoInfo info;
	gst_video_info_from_caps(&info, caps);
	GstVideoFrame frame;
	ASSERT_TRUE(gst_video_frame_map(&frame, &info, buffer, GST_MAP_WRITE));
	EXPECT_EQ(GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 1), 512);
	memset(GST_VIDEO_FRAME_PLANE_DATA(&frame, 1), 0x80, 512 * 120);
	gst_video_frame_unmap(&frame);
	gst_caps_unref(caps);

	// Passthrough: the very buffer comes out, untouched.
	GstBuffer *pushed = buffer;
	ASSERT_EQ(gst_harness_push(h.get(), buffer), GST_FLOW_OK);
	GstBuffer *out = gst_harness_pull(h.get());
	EXPECT_EQ(out, pushed);
	gst_buffer_unref(out); // back to the pool

	// Recycled, not reallocated: the same buffer and fd come back.
	GstBuffer *again = nullptr;
	ASSERT_EQ(gst_buffer_pool_acquire_buffer(pool, &again, nullptr), GST_FLOW_OK);
	EXPECT_EQ(again, pushed);
	EXPECT_EQ(gst_fd_memory_get_fd(gst_buffer_peek_memory(again, 0)), fd);

	// The pool holds buffer-count buffers at most: a fifth one is not allocated.
	std::vector<GstBuffer *> held{ again };
	for (int i = 0; i < 3; i++) {
		GstBuffer *b = nullptr;
		ASSERT_EQ(gst_buffer_pool_acquire_buffer(pool, &b, nullptr), GST_FLOW_OK);
		held.push_back(b);
	}
	GstBufferPoolAcquireParams dontWait = {};
	dontWait.flags = GST_BUFFER_POOL_ACQUIRE_FLAG_DONTWAIT;
	GstBuffer *fifth = nullptr;
	EXPECT_EQ(gst_buffer_pool_acquire_buffer(pool, &fifth, &dontWait), GST_FLOW_EOS);
	EXPECT_EQ(openFds(), fdsBefore + 4); // one fd per buffer, no more
	for (GstBuffer *b : held)
		gst_buffer_unref(b);

	// Deactivating frees the buffers, and with them every fd the pool opened.
	gst_buffer_pool_set_active(pool, FALSE);
	EXPECT_EQ(openFds(), fdsBefore);
	gst_object_unref(pool);
}

// By default the pool allocates from the chosen heap through the adapters: where the heap's node
// exists the buffers are dma-bufs; where it does not (this host), the pool refuses to start, and
// the log names the node and errno. It never falls back to memory the plan did not choose.
TEST(HeapsolveAlloc, HeapMemoryIsAllocatedOrRefusedWithTheNode)
{
	Harness h = makeHarness("producer=vpu consumers=<display>", "");
	gst_harness_add_propose_allocation_meta(h.get(), GST_VIDEO_META_API_TYPE, nullptr);
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(h->element, bus);
	gst_harness_set_src_caps_str(h.get(), kNv12Caps);
	const bool heapExists = std::filesystem::exists("/dev/dma_heap/cma");
	GError *domain = nullptr;
	const std::string error = popError(bus, &domain);
	gst_element_set_bus(h->element, nullptr);
	gst_object_unref(bus);
	if (!heapExists) {
		// A new user's first run on a host without the planned heap: the element's own error,
		// at caps time, before any buffer, with errno, node, the heaps tried and the way out.
		ASSERT_NE(domain, nullptr) << "no element error without the planned heap";
		EXPECT_TRUE(g_error_matches(domain, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE));
		g_error_free(domain);
		EXPECT_NE(error.find("open /dev/dma_heap/cma: No such file or directory (errno 2)"), std::string::npos) << error;
		EXPECT_NE(error.find("(heaps tried: cma"), std::string::npos) << error;
		EXPECT_NE(error.find("set memfd=true"), std::string::npos) << error;
		EXPECT_EQ(gst_harness_push(h.get(), gst_buffer_new_allocate(nullptr, kNv12Size, nullptr)),
			  GST_FLOW_NOT_NEGOTIATED);
		return;
	}
	EXPECT_EQ(domain, nullptr) << error;
	GstQuery *q = queryAllocation(h.get(), kNv12Caps);
	ASSERT_NE(q, nullptr);
	GstBufferPool *pool = nullptr;
	guint poolSize = 0, min = 0, max = 0;
	gst_query_parse_nth_allocation_pool(q, 0, &pool, &poolSize, &min, &max);
	gst_query_unref(q);
	ASSERT_NE(pool, nullptr);
	GstStructure *config = gst_buffer_pool_get_config(pool);
	GstCaps *caps = gst_caps_from_string(kNv12Caps);
	gst_buffer_pool_config_set_params(config, caps, poolSize, 1, max);
	gst_caps_unref(caps);
	gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
	ASSERT_TRUE(gst_buffer_pool_set_config(pool, config));
	const size_t fdsBefore = openFds();
	EXPECT_TRUE(gst_buffer_pool_set_active(pool, TRUE));
	if (heapExists) {
		GstBuffer *buffer = nullptr;
		ASSERT_EQ(gst_buffer_pool_acquire_buffer(pool, &buffer, nullptr), GST_FLOW_OK);
		EXPECT_TRUE(gst_is_dmabuf_memory(gst_buffer_peek_memory(buffer, 0)));
		gst_buffer_unref(buffer);
		gst_buffer_pool_set_active(pool, FALSE);
	}
	EXPECT_EQ(openFds(), fdsBefore) << "a refused allocation leaves no fd behind";
	gst_object_unref(pool);
}

TEST(HeapsolveAlloc, WarnsOnceAboutBuffersFromElsewhere)
{
	const char *caps = "video/x-raw,format=BGRx,width=320,height=240,framerate=30/1";
	Harness h = makeHarness("producer=cpu");
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(h->element, bus);
	gst_harness_set_src_caps_str(h.get(), caps);
	for (int i = 0; i < 2; i++) {
		EXPECT_EQ(gst_harness_push(h.get(), gst_buffer_new_allocate(nullptr, 307200, nullptr)), GST_FLOW_OK);
		gst_buffer_unref(gst_harness_pull(h.get()));
	}
	GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING);
	ASSERT_NE(m, nullptr);
	GError *err = nullptr;
	gst_message_parse_warning(m, &err, nullptr);
	EXPECT_STREQ(err->message, "Upstream does not use the solved buffer pool");
	g_error_free(err);
	gst_message_unref(m);
	EXPECT_EQ(gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING), nullptr); // once, not per frame
	gst_element_set_bus(h->element, nullptr);
	gst_object_unref(bus);
}

TEST(HeapsolveAlloc, PoolInsistsOnVideoMetaForNonDefaultLayout)
{
	Harness h = makeHarness("producer=vpu consumers=<display>");
	gst_harness_add_propose_allocation_meta(h.get(), GST_VIDEO_META_API_TYPE, nullptr);
	gst_harness_set_src_caps_str(h.get(), kNv12Caps);
	GstQuery *q = queryAllocation(h.get(), kNv12Caps);
	ASSERT_NE(q, nullptr);
	GstBufferPool *pool = nullptr;
	guint poolSize = 0, min = 0, max = 0;
	gst_query_parse_nth_allocation_pool(q, 0, &pool, &poolSize, &min, &max);
	gst_query_unref(q);

	// A producer that asks for no meta would write stride 320 into a stride-512 buffer.
	GstStructure *config = gst_buffer_pool_get_config(pool);
	GstCaps *caps = gst_caps_from_string(kNv12Caps);
	gst_buffer_pool_config_set_params(config, caps, 0, min, max);
	EXPECT_FALSE(gst_buffer_pool_set_config(pool, config));
	config = gst_buffer_pool_get_config(pool);
	EXPECT_TRUE(gst_buffer_pool_config_has_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META));
	guint size = 0;
	gst_buffer_pool_config_get_params(config, nullptr, &size, nullptr, nullptr);
	EXPECT_EQ(size, kNv12Size); // never below the plan
	// Accepting the amended config works.
	EXPECT_TRUE(gst_buffer_pool_set_config(pool, config));
	gst_caps_unref(caps);
	gst_object_unref(pool);
}

TEST(HeapsolveAlloc, DefaultLayoutNeedsNoMeta)
{
	// BGRx 320x240 for the CPU alone: stride 1280, size 307200 = GStreamer's own layout.
	const char *caps = "video/x-raw,format=BGRx,width=320,height=240,framerate=30/1";
	Harness h = makeHarness("producer=cpu");
	gst_harness_set_src_caps_str(h.get(), caps);
	GstQuery *q = queryAllocation(h.get(), caps);
	ASSERT_NE(q, nullptr);
	EXPECT_FALSE(gst_query_find_allocation_meta(q, GST_VIDEO_META_API_TYPE, nullptr));
	GstBufferPool *pool = nullptr;
	guint poolSize = 0, min = 0, max = 0;
	gst_query_parse_nth_allocation_pool(q, 0, &pool, &poolSize, &min, &max);
	gst_query_unref(q);
	EXPECT_EQ(poolSize, 307200u);

	GstStructure *config = gst_buffer_pool_get_config(pool);
	GstCaps *c = gst_caps_from_string(caps);
	gst_buffer_pool_config_set_params(config, c, poolSize, min, max);
	gst_caps_unref(c);
	ASSERT_TRUE(gst_buffer_pool_set_config(pool, config));
	ASSERT_TRUE(gst_buffer_pool_set_active(pool, TRUE));
	GstBuffer *buffer = nullptr;
	ASSERT_EQ(gst_buffer_pool_acquire_buffer(pool, &buffer, nullptr), GST_FLOW_OK);
	EXPECT_EQ(gst_buffer_get_video_meta(buffer), nullptr);
	EXPECT_EQ(gst_harness_push(h.get(), buffer), GST_FLOW_OK);
	gst_buffer_unref(gst_harness_pull(h.get()));
	gst_buffer_pool_set_active(pool, FALSE);
	gst_object_unref(pool);
}

TEST(HeapsolveAlloc, UnsatisfiableSystemIsElementErrorNamingCulprits)
{
	// display reaches [0x40000000, 0x50000000), dma32 [0x60000000, 0x70000000): no common address.
	Harness h = makeHarness("producer=display consumers=<dma32>");
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(h->element, bus);
	gst_harness_set_src_caps_str(h.get(), kNv12Caps);

	GError *domain = nullptr;
	std::string error = popError(bus, &domain);
	ASSERT_NE(domain, nullptr) << "no error message posted";
	EXPECT_TRUE(g_error_matches(domain, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS));
	g_error_free(domain);
	EXPECT_NE(error.find("buffer alloc is unsatisfiable"), std::string::npos) << error;
	EXPECT_NE(error.find("display (address): needs [0x40000000, 0x50000000), at " + kBoard + ":21"),
		  std::string::npos)
		<< error;
	EXPECT_NE(error.find("dma32 (address): needs [0x60000000, 0x70000000), at " + kBoard + ":26"),
		  std::string::npos)
		<< error;

	// Before data flows: the caps were refused, so the first buffer is not negotiated.
	EXPECT_EQ(gst_harness_push(h.get(), gst_buffer_new_allocate(nullptr, kNv12Size, nullptr)),
		  GST_FLOW_NOT_NEGOTIATED);
	GstElement *alloc = allocElement(h.get());
	gchar *heap = nullptr;
	g_object_get(alloc, "heap", &heap, nullptr);
	EXPECT_EQ(heap, nullptr);
	gst_object_unref(alloc);
	gst_element_set_bus(h->element, nullptr);
	gst_object_unref(bus);
}

TEST(HeapsolveAlloc, BufferCountMustFitTheHeap)
{
	// 64 x 184320 bytes fit cma's 128 MiB, but 64 1080p frames (3342336 bytes each) do not, and
	// the system heap lies outside display's window: the size conflict names cma.
	Harness h = makeHarness("producer=vpu consumers=<display> buffer-count=64");
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(h->element, bus);
	gst_harness_set_src_caps_str(h.get(), "video/x-raw,format=NV12,width=1920,height=1080,framerate=30/1");
	std::string error = popError(bus);
	EXPECT_NE(error.find("cma (size): "), std::string::npos) << error;
	gst_element_set_bus(h->element, nullptr);
	gst_object_unref(bus);

	Harness fits = makeHarness("producer=vpu consumers=<display> buffer-count=64");
	gst_harness_add_propose_allocation_meta(fits.get(), GST_VIDEO_META_API_TYPE, nullptr);
	gst_harness_set_src_caps_str(fits.get(), kNv12Caps);
	GstQuery *q = queryAllocation(fits.get(), kNv12Caps);
	ASSERT_NE(q, nullptr);
	guint max = 0;
	gst_query_parse_nth_allocation_pool(q, 0, nullptr, nullptr, nullptr, &max);
	EXPECT_EQ(max, 64u);
	gst_query_unref(q);
}

TEST(HeapsolveAlloc, TiledModifierIsRefused)
{
	// tiler accepts only ALLWINNER_TILED; video/x-raw caps describe linear frames.
	Harness h = makeHarness("producer=tiler");
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(h->element, bus);
	gst_harness_set_src_caps_str(h.get(), kNv12Caps);
	std::string error = popError(bus);
	EXPECT_NE(error.find("Buffer alloc needs modifier ALLWINNER_TILED, which NV12 caps cannot carry"),
		  std::string::npos)
		<< error;
	gst_element_set_bus(h->element, nullptr);
	gst_object_unref(bus);
}

TEST(HeapsolveAlloc, DownstreamWithoutVideoMetaIsAnError)
{
	// Stride 512 instead of GStreamer's 320: a sink that ignores GstVideoMeta would misread it.
	Harness h = makeHarness("producer=vpu consumers=<display>");
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(h->element, bus);
	gst_harness_set_src_caps_str(h.get(), kNv12Caps);
	EXPECT_EQ(queryAllocation(h.get(), kNv12Caps), nullptr);
	std::string error = popError(bus);
	EXPECT_NE(error.find("Downstream cannot read the solved layout"), std::string::npos) << error;
	gst_element_set_bus(h->element, nullptr);
	gst_object_unref(bus);
}

TEST(HeapsolveAlloc, UnknownDeviceIsNamed)
{
	Harness h = makeHarness("producer=vpu consumers=<gpu>");
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(h->element, bus);
	gst_harness_set_src_caps_str(h.get(), kNv12Caps);
	std::string error = popError(bus);
	EXPECT_NE(error.find("<caps>:"), std::string::npos) << error;
	EXPECT_NE(error.find("gpu"), std::string::npos) << error;
	gst_element_set_bus(h->element, nullptr);
	gst_object_unref(bus);
}

TEST(HeapsolveAlloc, BadSystemFileFailsBeforeDataFlows)
{
	GstElement *e = gst_element_factory_make("heapsolvealloc", nullptr);
	ASSERT_NE(e, nullptr);
	gst_util_set_object_arg(G_OBJECT(e), "system-files", ("<" + kBroken + ">").c_str());
	g_object_set(e, "producer", "vpu", nullptr);
	GstBus *bus = gst_bus_new();
	gst_element_set_bus(e, bus);
	EXPECT_EQ(gst_element_set_state(e, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
	std::string error = popError(bus);
	EXPECT_NE(error.find(kBroken + ":7:5: error: unknown key 'colour'"), std::string::npos) << error;
	gst_element_set_state(e, GST_STATE_NULL);
	gst_element_set_bus(e, nullptr);
	gst_object_unref(bus);
	gst_object_unref(e);
}

TEST(HeapsolveAlloc, PropertiesChangeOnlyUpToReady)
{
	GstElement *e = gst_element_factory_make("heapsolvealloc", nullptr);
	ASSERT_NE(e, nullptr);
	gst_util_set_object_arg(G_OBJECT(e), "system-files", ("<" + kBoard + ">").c_str());
	gst_util_set_object_arg(G_OBJECT(e), "consumers", "<display, vpu>");
	g_object_set(e, "producer", "cpu", nullptr);
	ASSERT_EQ(gst_element_set_state(e, GST_STATE_PAUSED), GST_STATE_CHANGE_SUCCESS);
	g_object_set(e, "producer", "display", nullptr); // refused with a warning
	gchar *producer = nullptr;
	g_object_get(e, "producer", &producer, nullptr);
	EXPECT_STREQ(producer, "cpu");
	g_free(producer);

	GValue v = G_VALUE_INIT;
	g_value_init(&v, GST_TYPE_ARRAY);
	g_object_get_property(G_OBJECT(e), "consumers", &v);
	gchar *s = gst_value_serialize(&v);
	EXPECT_STREQ(s, "< (string)display, (string)vpu >");
	g_free(s);
	g_value_unset(&v);

	gst_element_set_state(e, GST_STATE_NULL);
	g_object_set(e, "producer", "display", nullptr);
	g_object_get(e, "producer", &producer, nullptr);
	EXPECT_STREQ(producer, "display");
	g_free(producer);
	gst_object_unref(e);
}

} // namespace

// Under --config=asan: GLib keeps interned strings and type data for the life of the process;
// those are not leaks of ours. GLib has no frame pointers, so the slow unwinder is needed to see
// which GLib function allocated. The private registry is built in this process, so every system
// plugin's init runs here too; with Debian's gstreamer1.0-plugins-good/-bad installed (the chain
// stage's pipelines need them), three of those keep memory for the process's life: OpenNI2's
// driver loading (libgstopenni2 -> libOpenNI2 and its drivers), fontconfig's configuration read
// by pango's font map thread, and compositor's class init. Each is matched by its own module, so
// a leak of heapsolve's plugin still fails.
extern "C" const char *__lsan_default_suppressions()
{
	return "leak:g_intern_string\nleak:_dl_init\n"
	       "leak:libOpenNI2.so\nleak:libgstopenni2.so\nleak:libPS1080.so\nleak:libPSLink.so\n"
	       "leak:libfontconfig.so\nleak:libgstcompositor.so\n";
}

extern "C" const char *__asan_default_options()
{
	return "fast_unwind_on_malloc=0";
}

int main(int argc, char **argv)
{
	// Load the plugin just built (a runfile next to this test) and keep the registry private.
	gchar *dir = g_canonicalize_filename("gst", nullptr);
	g_setenv("GST_PLUGIN_PATH", dir, TRUE);
	g_free(dir);
	const char *tmp = g_getenv("TEST_TMPDIR");
	std::string registry = std::string(tmp ? tmp : g_get_tmp_dir()) + "/gst-registry.bin";
	g_setenv("GST_REGISTRY", registry.c_str(), TRUE);
	g_setenv("GST_REGISTRY_FORK", "no", TRUE);
	gst_init(&argc, &argv);
	// A GLib critical is a bug (ours or a misuse of GStreamer): fail loudly instead of logging.
	g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_LEVEL_CRITICAL | G_LOG_FATAL_MASK));
	testing::InitGoogleTest(&argc, argv);
	return RUN_ALL_TESTS();
}
