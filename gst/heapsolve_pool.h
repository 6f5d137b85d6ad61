// SPDX-License-Identifier: LGPL-2.1-or-later
// A GstBufferPool whose buffers follow a solved Plan: one fd-backed memory of the plan's size per
// buffer and, when the pool's user asks for GST_BUFFER_POOL_OPTION_VIDEO_META, a GstVideoMeta
// with the plan's offsets and strides. Buffers are recycled by GstBufferPool, never reallocated
// per frame.
#pragma once

#include <gst/gst.h>
#include <gst/video/video.h>

#include "gst/pool_memory.h"
#include "heapsolve/plan.h"

G_BEGIN_DECLS

#define GST_TYPE_HEAPSOLVE_POOL (gst_heapsolve_pool_get_type())
G_DECLARE_FINAL_TYPE(GstHeapsolvePool, gst_heapsolve_pool, GST, HEAPSOLVE_POOL, GstBufferPool)

G_END_DECLS

// A new pool for `plan`, whose format and size match `info` (checked by the element).
// `needsMeta`: the plan's layout differs from GStreamer's default for `info`, so a buffer without
// GstVideoMeta would be misread; set_config then insists on the VIDEO_META option.
// `source`: the plan's heap through the adapters, or memfd memory when the element was asked for it.
GstBufferPool *gst_heapsolve_pool_new(const heapsolve::Plan &plan, const GstVideoInfo &info, bool needsMeta,
				      heapsolve::gst::MemorySource source);

// How many buffers the pool allocated over its life (tests prove recycling with it).
guint gst_heapsolve_pool_allocated(GstHeapsolvePool *pool);
