// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gst/heapsolve_pool.h"

#include <algorithm>
#include <memory>
#include <utility>

#include <gst/allocators/allocators.h>

#include "gst/pool_memory.h"

GST_DEBUG_CATEGORY_EXTERN(gst_heapsolve_debug);
#define GST_CAT_DEFAULT gst_heapsolve_debug

namespace {

struct PoolState {
	heapsolve::Plan plan;
	GstVideoInfo info;
	bool needsMeta = false;
	bool addMeta = false;
	guint64 size = 0;   // the configured buffer size, >= plan.size
	gint allocated = 0; // atomic: alloc_buffer runs on the streaming thread
	bool warnedNotDmaBuf = false;
	// Made with the pool: one set of adapters (heap nodes kept open) for all its buffers.
	std::unique_ptr<heapsolve::gst::PoolMemorySource> memory;
};

} // namespace

struct _GstHeapsolvePool {
	GstBufferPool parent;
	PoolState *state;
	GstAllocator *dmabuf;
	GstAllocator *fd;
};

G_DEFINE_TYPE(GstHeapsolvePool, gst_heapsolve_pool, GST_TYPE_BUFFER_POOL)

static const gchar **gst_heapsolve_pool_get_options(GstBufferPool *)
{
	static const gchar *options[] = { GST_BUFFER_POOL_OPTION_VIDEO_META, nullptr };
	return options;
}

static gboolean gst_heapsolve_pool_set_config(GstBufferPool *bpool, GstStructure *config)
{
	GstHeapsolvePool *pool = GST_HEAPSOLVE_POOL(bpool);
	PoolState &s = *pool->state;
	GstCaps *caps;
	guint size, min, max;

	if (!gst_buffer_pool_config_get_params(config, &caps, &size, &min, &max) || !caps) {
		GST_WARNING_OBJECT(pool, "config without caps");
		return FALSE;
	}
	GstVideoInfo info;
	if (!gst_video_info_from_caps(&info, caps) ||
	    GST_VIDEO_INFO_FORMAT(&info) != GST_VIDEO_INFO_FORMAT(&s.info) ||
	    GST_VIDEO_INFO_WIDTH(&info) != GST_VIDEO_INFO_WIDTH(&s.info) ||
	    GST_VIDEO_INFO_HEIGHT(&info) != GST_VIDEO_INFO_HEIGHT(&s.info)) {
		GST_WARNING_OBJECT(pool, "caps %" GST_PTR_FORMAT " are not those the plan was solved for", caps);
		return FALSE;
	}

	/* The buffer is never smaller than the plan; a caller may ask for more (e.g. GStreamer's own
	 * size for the caps), which is then what each memory gets, so that released buffers keep
	 * the pool's size and are recycled. */
	guint64 wanted = std::max<guint64>(size, s.plan.size);
	bool changed = false;
	if (wanted != size) {
		GST_DEBUG_OBJECT(pool, "buffer size %u raised to the plan's %" G_GUINT64_FORMAT, size, wanted);
		gst_buffer_pool_config_set_params(config, caps, static_cast<guint>(wanted), min, max);
	}
	s.addMeta = gst_buffer_pool_config_has_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
	if (s.needsMeta && !s.addMeta) {
		/* Without the meta the producer would write GStreamer's default layout into a buffer
		 * laid out for other strides. Say what is needed and let the caller accept it. */
		GST_INFO_OBJECT(pool, "the solved layout needs GstVideoMeta; adding the option");
		gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
		changed = true;
	}
	s.size = wanted;

	gboolean ok = GST_BUFFER_POOL_CLASS(gst_heapsolve_pool_parent_class)->set_config(bpool, config);
	return ok && !changed;
}

static GstFlowReturn gst_heapsolve_pool_alloc_buffer(GstBufferPool *bpool, GstBuffer **buffer,
						     GstBufferPoolAcquireParams *)
{
	GstHeapsolvePool *pool = GST_HEAPSOLVE_POOL(bpool);
	PoolState &s = *pool->state;

	auto memory = s.memory->allocate(s.size);
	if (!memory) {
		GST_ERROR_OBJECT(pool, "cannot allocate %" G_GUINT64_FORMAT " bytes for heap %s: %s", s.size,
				 s.plan.heap.name.c_str(), memory.error().message().c_str());
		return GST_FLOW_ERROR;
	}

	/* Recycled buffers keep their CPU mapping: mapping afresh for every frame faults in every
	 * page again (measured: 1080p BGRx through videotestsrc went from 0.8 s to 32 s per 300
	 * frames on this VM). dma-buf CPU access is still bracketed by GstDmaBufAllocator's syncs. */
	GstMemory *mem;
	if (memory->isDmaBuf) {
		mem = gst_dmabuf_allocator_alloc_with_flags(pool->dmabuf, memory->fd.release(), s.size,
							    GST_FD_MEMORY_FLAG_KEEP_MAPPED);
	} else {
		if (!s.warnedNotDmaBuf) {
			GST_WARNING_OBJECT(pool, "buffers are fd memory, not dma-bufs (%s): heap %s (%s) is not used",
					   s.memory->source() == heapsolve::gst::MemorySource::Memfd ? "memfd=true" : "the fd is not a dma-buf",
					   s.plan.heap.name.c_str(), s.plan.heap.path.c_str());
			s.warnedNotDmaBuf = true;
		}
		mem = gst_fd_allocator_alloc(pool->fd, memory->fd.release(), s.size, GST_FD_MEMORY_FLAG_KEEP_MAPPED);
	}
	if (!mem)
		return GST_FLOW_ERROR;
	/* Map read-write once, up front. GstFdMemory otherwise keeps the first mapping's protection
	 * and mprotect()s it whenever a later map wants other rights: a producer mapping WRITE and a
	 * consumer mapping READ flip it every frame, and every page faults again after each flip
	 * (measured: 1080p NV12, videotestsrc -> videoconvert, 3.4 s instead of 1.5 s per 300
	 * frames). A heap that refuses CPU mappings (protected memory) simply stays unmapped. */
	GstMapInfo map;
	if (gst_memory_map(mem, &map, GST_MAP_READWRITE))
		gst_memory_unmap(mem, &map);

	*buffer = gst_buffer_new();
	gst_buffer_append_memory(*buffer, mem);

	if (s.addMeta) {
		gsize offsets[GST_VIDEO_MAX_PLANES] = {};
		gint strides[GST_VIDEO_MAX_PLANES] = {};
		guint planes = static_cast<guint>(s.plan.planes.size());
		for (guint i = 0; i < planes; i++) {
			offsets[i] = s.plan.planes[i].offset;
			strides[i] = static_cast<gint>(s.plan.planes[i].stride); /* checked by the element */
		}
		gst_buffer_add_video_meta_full(*buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_INFO_FORMAT(&s.info),
					       GST_VIDEO_INFO_WIDTH(&s.info), GST_VIDEO_INFO_HEIGHT(&s.info),
					       planes, offsets, strides);
	}
	gint n = g_atomic_int_add(&s.allocated, 1) + 1;
	GST_DEBUG_OBJECT(pool, "allocated buffer %d: %" GST_PTR_FORMAT, n, *buffer);
	return GST_FLOW_OK;
}

static void gst_heapsolve_pool_finalize(GObject *object)
{
	GstHeapsolvePool *pool = GST_HEAPSOLVE_POOL(object);
	delete pool->state;
	gst_object_unref(pool->dmabuf);
	gst_object_unref(pool->fd);
	G_OBJECT_CLASS(gst_heapsolve_pool_parent_class)->finalize(object);
}

static void gst_heapsolve_pool_class_init(GstHeapsolvePoolClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = gst_heapsolve_pool_finalize;
	GstBufferPoolClass *pool = GST_BUFFER_POOL_CLASS(klass);
	pool->get_options = gst_heapsolve_pool_get_options;
	pool->set_config = gst_heapsolve_pool_set_config;
	pool->alloc_buffer = gst_heapsolve_pool_alloc_buffer;
}

static void gst_heapsolve_pool_init(GstHeapsolvePool *pool)
{
	pool->state = new PoolState();
	pool->dmabuf = gst_dmabuf_allocator_new();
	pool->fd = gst_fd_allocator_new();
}

GstBufferPool *gst_heapsolve_pool_new(const heapsolve::Plan &plan, const GstVideoInfo &info, bool needsMeta,
				      heapsolve::gst::MemorySource source)
{
	GstHeapsolvePool *pool = GST_HEAPSOLVE_POOL(g_object_new(GST_TYPE_HEAPSOLVE_POOL, nullptr));
	gst_object_ref_sink(pool);
	pool->state->plan = plan;
	pool->state->info = info;
	pool->state->needsMeta = needsMeta;
	pool->state->size = plan.size;
	pool->state->memory = std::make_unique<heapsolve::gst::PoolMemorySource>(plan, source);
	return GST_BUFFER_POOL(pool);
}

guint gst_heapsolve_pool_allocated(GstHeapsolvePool *pool)
{
	return static_cast<guint>(g_atomic_int_get(&pool->state->allocated));
}
