// SPDX-License-Identifier: LGPL-2.1-or-later
#include "gst/heapsolve_alloc.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include <gst/video/video.h>

#include "gst/formats.h"
#include "gst/heapsolve_pool.h"
#include "gst/request.h"
#include "heapsolve/conflict_text.h"
#include "heapsolve/loader.h"

GST_DEBUG_CATEGORY(gst_heapsolve_debug);
#define GST_CAT_DEFAULT gst_heapsolve_debug

namespace {

constexpr guint kDefaultBufferCount = 4;

enum {
	PROP_0,
	PROP_SYSTEM_FILES,
	PROP_PRODUCER,
	PROP_CONSUMERS,
	PROP_BUFFER_COUNT,
	PROP_MEMFD,
	PROP_HEAP,
	PROP_SIZE,
	PROP_STRIDES,
	PROP_OFFSETS,
};

// Everything below is guarded by the object lock.
struct ElementState {
	std::vector<std::string> systemFiles;
	std::string producer;
	std::vector<std::string> consumers;
	guint bufferCount = kDefaultBufferCount;
	bool memfd = false; // memfd memory instead of the planned heap (tests, machines without heaps)

	std::optional<heapsolve::Plan> plan; // solved for the current caps
	bool needsMeta = false;
	GstBufferPool *pool = nullptr;
	bool warnedForeign = false; // warned once (per caps) about buffers from another pool
};

std::vector<std::string> stringsOf(const GValue *array)
{
	std::vector<std::string> out;
	for (guint i = 0; i < gst_value_array_get_size(array); i++) {
		const GValue *v = gst_value_array_get_value(array, i);
		if (G_VALUE_HOLDS_STRING(v) && g_value_get_string(v) && *g_value_get_string(v))
			out.emplace_back(g_value_get_string(v));
	}
	return out;
}

void setStrings(GValue *array, const std::vector<std::string> &strings)
{
	for (const std::string &s : strings) {
		GValue v = G_VALUE_INIT;
		g_value_init(&v, G_TYPE_STRING);
		g_value_set_string(&v, s.c_str());
		gst_value_array_append_and_take_value(array, &v);
	}
}

void setNumbers(GValue *array, const std::vector<guint64> &numbers)
{
	for (guint64 n : numbers) {
		GValue v = G_VALUE_INIT;
		g_value_init(&v, G_TYPE_UINT64);
		g_value_set_uint64(&v, n);
		gst_value_array_append_and_take_value(array, &v);
	}
}

} // namespace

struct _GstHeapsolveAlloc {
	GstBaseTransform parent;
	ElementState *state;
};

G_DEFINE_TYPE(GstHeapsolveAlloc, gst_heapsolve_alloc, GST_TYPE_BASE_TRANSFORM)
GST_ELEMENT_REGISTER_DEFINE(heapsolvealloc, "heapsolvealloc", GST_RANK_NONE, GST_TYPE_HEAPSOLVE_ALLOC)

static void gst_heapsolve_alloc_clear(GstHeapsolveAlloc *self)
{
	GST_OBJECT_LOCK(self);
	self->state->plan.reset();
	GstBufferPool *pool = std::exchange(self->state->pool, nullptr);
	GST_OBJECT_UNLOCK(self);
	if (pool)
		gst_object_unref(pool);
}

static void gst_heapsolve_alloc_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
	GstHeapsolveAlloc *self = GST_HEAPSOLVE_ALLOC(object);
	ElementState &s = *self->state;

	GST_OBJECT_LOCK(self);
	/* The plan is solved when caps arrive: changing its inputs later would leave the pool
	 * upstream already uses describing another system. */
	if (GST_STATE(self) > GST_STATE_READY || GST_STATE_PENDING(self) > GST_STATE_READY) {
		GST_OBJECT_UNLOCK(self);
		GST_WARNING_OBJECT(self, "property '%s' can only be changed in the NULL or READY state",
				   g_param_spec_get_name(pspec));
		return;
	}
	switch (id) {
	case PROP_SYSTEM_FILES:
		s.systemFiles = stringsOf(value);
		break;
	case PROP_PRODUCER:
		s.producer = g_value_get_string(value) ? g_value_get_string(value) : "";
		break;
	case PROP_CONSUMERS:
		s.consumers = stringsOf(value);
		break;
	case PROP_BUFFER_COUNT:
		s.bufferCount = g_value_get_uint(value);
		break;
	case PROP_MEMFD:
		s.memfd = g_value_get_boolean(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void gst_heapsolve_alloc_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	GstHeapsolveAlloc *self = GST_HEAPSOLVE_ALLOC(object);
	const ElementState &s = *self->state;

	GST_OBJECT_LOCK(self);
	switch (id) {
	case PROP_SYSTEM_FILES:
		setStrings(value, s.systemFiles);
		break;
	case PROP_PRODUCER:
		g_value_set_string(value, s.producer.empty() ? nullptr : s.producer.c_str());
		break;
	case PROP_CONSUMERS:
		setStrings(value, s.consumers);
		break;
	case PROP_BUFFER_COUNT:
		g_value_set_uint(value, s.bufferCount);
		break;
	case PROP_MEMFD:
		g_value_set_boolean(value, s.memfd);
		break;
	case PROP_HEAP:
		g_value_set_string(value, s.plan ? s.plan->heap.name.c_str() : nullptr);
		break;
	case PROP_SIZE:
		g_value_set_uint64(value, s.plan ? s.plan->size : 0);
		break;
	case PROP_STRIDES:
	case PROP_OFFSETS: {
		std::vector<guint64> numbers;
		if (s.plan)
			for (const heapsolve::PlaneLayout &p : s.plan->planes)
				numbers.push_back(id == PROP_STRIDES ? p.stride : p.offset);
		setNumbers(value, numbers);
		break;
	}
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

/* Reads the system files before any data flows, so that bad input fails the READY -> PAUSED
 * change with the file:line:column of the mistake. */
static gboolean gst_heapsolve_alloc_start(GstBaseTransform *trans)
{
	GstHeapsolveAlloc *self = GST_HEAPSOLVE_ALLOC(trans);

	GST_OBJECT_LOCK(self);
	std::vector<std::string> files = self->state->systemFiles;
	bool noProducer = self->state->producer.empty();
	GST_OBJECT_UNLOCK(self);
	bool noFiles = files.empty();

	if (noFiles) {
		GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("No system files given"),
				  ("set 'system-files' to the schema-1 YAML files describing the heaps and devices"));
		return FALSE;
	}
	if (noProducer) {
		GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("No producer given"),
				  ("set 'producer' to the device (or device/plane) that writes the buffers"));
		return FALSE;
	}
	/* The caps are not known yet, so only the files themselves can be checked here; names given
	 * by the properties are checked when the buffer is solved. */
	heapsolve::Result<heapsolve::System> system = heapsolve::loadSystemFromPaths(files);
	if (!system) {
		const std::string message = system.error().message();
		const std::string summary = system.error().summary();
		GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Bad system description: %s", summary.c_str()),
				  ("%s", message.c_str()));
		return FALSE;
	}
	return TRUE;
}

static gboolean gst_heapsolve_alloc_stop(GstBaseTransform *trans)
{
	gst_heapsolve_alloc_clear(GST_HEAPSOLVE_ALLOC(trans));
	return TRUE;
}

static bool sameAsDefaultLayout(const heapsolve::Plan &plan, const GstVideoInfo &info)
{
	for (size_t i = 0; i < plan.planes.size(); i++)
		if (plan.planes[i].offset != GST_VIDEO_INFO_PLANE_OFFSET(&info, i) ||
		    plan.planes[i].stride != static_cast<guint64>(GST_VIDEO_INFO_PLANE_STRIDE(&info, i)))
			return false;
	return true;
}

/* Solving happens here, when the caps give format and size and before any buffer flows: an
 * unsatisfiable system is an element error naming the conflict, and the caps are refused. */
static gboolean gst_heapsolve_alloc_set_caps(GstBaseTransform *trans, GstCaps *incaps, GstCaps *)
{
	GstHeapsolveAlloc *self = GST_HEAPSOLVE_ALLOC(trans);
	GstVideoInfo info;

	if (!gst_video_info_from_caps(&info, incaps)) {
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("Unusable caps"),
				  ("cannot parse %" GST_PTR_FORMAT, incaps));
		return FALSE;
	}
	auto drmName = heapsolve::gst::drmFormatName(GST_VIDEO_INFO_FORMAT(&info));
	if (!drmName) {
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("Format %s has no DRM fourcc in schema 1", GST_VIDEO_INFO_NAME(&info)), (nullptr));
		return FALSE;
	}

	heapsolve::gst::BufferRequest request;
	std::vector<std::string> files;
	GST_OBJECT_LOCK(self);
	request.name = GST_OBJECT_NAME(self);
	request.format = std::string(*drmName);
	request.width = GST_VIDEO_INFO_WIDTH(&info);
	request.height = GST_VIDEO_INFO_HEIGHT(&info);
	request.count = self->state->bufferCount;
	request.producer = self->state->producer;
	request.consumers = self->state->consumers;
	files = self->state->systemFiles;
	GST_OBJECT_UNLOCK(self);

	auto result = heapsolve::gst::solveRequest(files, request);
	if (!result) {
		const std::string message = result.error().message();
		const std::string summary = result.error().summary();
		GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Bad system description: %s", summary.c_str()),
				  ("%s\nbuffer request:\n%s", message.c_str(),
				   heapsolve::gst::requestYaml(request).c_str()));
		return FALSE;
	}
	if (!result->ok()) {
		const heapsolve::ConflictText text = heapsolve::conflictText(request.name, result->conflict());
		std::string details;
		for (const std::string &line : heapsolve::conflictLines(text))
			details += line + "\n";
		GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("%s", heapsolve::conflictSummary(text).c_str()),
				  ("%s", details.c_str()));
		return FALSE;
	}

	const heapsolve::Plan &plan = result->plan();
	/* video/x-raw in GStreamer 1.22 means linear frames (tiled ones are other formats, such as
	 * NV12_32L32, and DRM modifiers reach caps only in 1.24). A producer would write linear
	 * lines into a buffer its users read as tiles. */
	if (plan.modifier != "LINEAR") {
		GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Buffer %s needs modifier %s, which %s caps cannot "
							     "carry",
							     request.name.c_str(), plan.modifier.c_str(), GST_VIDEO_INFO_NAME(&info)),
				  ("not every user of the buffer accepts LINEAR; video/x-raw caps describe linear frames"));
		return FALSE;
	}
	if (plan.planes.size() != GST_VIDEO_INFO_N_PLANES(&info)) {
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("Plan has %zu planes, %s has %u", plan.planes.size(), GST_VIDEO_INFO_NAME(&info), GST_VIDEO_INFO_N_PLANES(&info)), (nullptr));
		return FALSE;
	}
	/* GstVideoMeta strides are gint and pool sizes guint: refuse what GStreamer cannot carry. */
	bool fits = plan.size <= G_MAXUINT;
	for (const heapsolve::PlaneLayout &p : plan.planes)
		fits = fits && p.stride <= G_MAXINT;
	if (!fits) {
		GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("Buffer of %" G_GUINT64_FORMAT " bytes is too large "
							     "for a GStreamer buffer pool",
							     plan.size),
				  (nullptr));
		return FALSE;
	}

	bool needsMeta = !sameAsDefaultLayout(plan, info);
	GST_OBJECT_LOCK(self);
	const auto source = self->state->memfd ? heapsolve::gst::MemorySource::Memfd : heapsolve::gst::MemorySource::Heap;
	GST_OBJECT_UNLOCK(self);
	/* A failed allocation speaks before the first buffer: when no eligible heap's node can be
	 * opened here, the pool could never start, and the pipeline would only say "Internal data
	 * stream error" from upstream. drm-dumb heaps (no node to try without opening a DRM primary
	 * node) count as possible. */
	if (source == heapsolve::gst::MemorySource::Heap) {
		std::vector<heapsolve::HeapChoice> heaps{ plan.heap };
		heaps.insert(heaps.end(), plan.others.begin(), plan.others.end());
		std::string refusals, names;
		bool possible = false;
		for (const heapsolve::HeapChoice &h : heaps) {
			names += (names.empty() ? "" : ", ") + h.name;
			if (h.backend == heapsolve::Backend::DrmDumb || h.path.empty()) {
				possible = true;
				continue;
			}
			const int fd = open(h.path.c_str(), O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				close(fd);
				possible = true;
				continue;
			}
			// In the library's words: "open NODE: strerror (errno N)".
			const heapsolve::Error refusal(heapsolve::SystemError{ "open", h.path, errno, {} });
			refusals += std::string(refusals.empty() ? "" : "; ") + refusal.summary();
		}
		if (!possible) {
			GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ_WRITE,
					  ("Cannot allocate buffer %s: no heap of its plan can be opened on this machine: %s "
					   "(heaps tried: %s). On a machine without these heaps, set memfd=true.",
					   request.name.c_str(), refusals.c_str(), names.c_str()),
					  (nullptr));
			return FALSE;
		}
	}
	GstBufferPool *pool = gst_heapsolve_pool_new(plan, info, needsMeta, source);
	GST_INFO_OBJECT(self, "buffer %s: heap %s (%s), size %" G_GUINT64_FORMAT ", %s layout",
			request.name.c_str(), plan.heap.name.c_str(), plan.heap.path.c_str(), plan.size,
			needsMeta ? "non-default" : "default");
	for (const std::string &a : plan.adjustments)
		GST_INFO_OBJECT(self, "adjusted: %s", a.c_str());

	GST_OBJECT_LOCK(self);
	self->state->plan = plan;
	self->state->needsMeta = needsMeta;
	std::swap(self->state->pool, pool);
	self->state->warnedForeign = false;
	GST_OBJECT_UNLOCK(self);
	if (pool)
		gst_object_unref(pool);

	for (const char *name : { "heap", "size", "strides", "offsets" })
		g_object_notify(G_OBJECT(self), name);
	return TRUE;
}

/* In passthrough upstream's buffers go straight downstream, so downstream decides which metas
 * may ride along; we decide where the memory lives. */
static gboolean gst_heapsolve_alloc_propose_allocation(GstBaseTransform *trans, GstQuery *decideQuery,
						       GstQuery *query)
{
	GstHeapsolveAlloc *self = GST_HEAPSOLVE_ALLOC(trans);

	GST_OBJECT_LOCK(self);
	GstBufferPool *pool = self->state->pool ? GST_BUFFER_POOL(gst_object_ref(self->state->pool)) : nullptr;
	guint64 size = self->state->plan ? self->state->plan->size : 0;
	bool needsMeta = self->state->needsMeta;
	guint count = self->state->bufferCount;
	GST_OBJECT_UNLOCK(self);

	if (!pool)
		return GST_BASE_TRANSFORM_CLASS(gst_heapsolve_alloc_parent_class)->propose_allocation(trans, decideQuery, query);

	GstCaps *caps;
	gboolean needPool;
	gst_query_parse_allocation(query, &caps, &needPool);
	GstQuery *down = gst_query_new_allocation(caps, needPool);
	bool answered = gst_pad_peer_query(GST_BASE_TRANSFORM_SRC_PAD(trans), down);
	bool downstreamMeta = false;
	guint downstreamMin = 0;
	if (answered) {
		downstreamMeta = gst_query_find_allocation_meta(down, GST_VIDEO_META_API_TYPE, nullptr);
		if (gst_query_get_n_allocation_pools(down) > 0)
			gst_query_parse_nth_allocation_pool(down, 0, nullptr, nullptr, &downstreamMin, nullptr);
		for (guint i = 0; i < gst_query_get_n_allocation_metas(down); i++) {
			const GstStructure *params;
			GType api = gst_query_parse_nth_allocation_meta(down, i, &params);
			if (!gst_query_find_allocation_meta(query, api, nullptr))
				gst_query_add_allocation_meta(query, api, params);
		}
	}
	gst_query_unref(down);

	if (needsMeta && !downstreamMeta) {
		gst_object_unref(pool);
		GST_ELEMENT_ERROR(self, STREAM, FORMAT, ("Downstream cannot read the solved layout"),
				  ("the plan's strides/offsets differ from GStreamer's default for these caps and "
				   "downstream does not accept GstVideoMeta"));
		return FALSE;
	}
	guint min = std::min(downstreamMin, count);
	GST_DEBUG_OBJECT(self, "proposing pool %" GST_PTR_FORMAT " size %" G_GUINT64_FORMAT " min %u max %u",
			 pool, size, min, count);
	gst_query_add_allocation_pool(query, pool, static_cast<guint>(size), min, count);
	gst_object_unref(pool);
	return TRUE;
}

/* Upstream may ignore the proposed pool (or allocate before asking). Its buffers then pass through
 * unchanged but live wherever upstream put them, which the devices may not reach: say so once. */
static void gst_heapsolve_alloc_before_transform(GstBaseTransform *trans, GstBuffer *buffer)
{
	GstHeapsolveAlloc *self = GST_HEAPSOLVE_ALLOC(trans);

	GST_OBJECT_LOCK(self);
	bool foreign = self->state->pool && buffer->pool != self->state->pool && !self->state->warnedForeign;
	if (foreign)
		self->state->warnedForeign = true;
	std::string heap = self->state->plan ? self->state->plan->heap.name : "";
	GST_OBJECT_UNLOCK(self);

	if (foreign)
		GST_ELEMENT_WARNING(self, STREAM, FORMAT, ("Upstream does not use the solved buffer pool"),
				    ("buffer %" GST_PTR_FORMAT " is not from heap %s's pool, so the devices named "
				     "by producer and consumers may not be able to use it",
				     buffer, heap.c_str()));
}

static void gst_heapsolve_alloc_finalize(GObject *object)
{
	GstHeapsolveAlloc *self = GST_HEAPSOLVE_ALLOC(object);
	gst_heapsolve_alloc_clear(self);
	delete self->state;
	G_OBJECT_CLASS(gst_heapsolve_alloc_parent_class)->finalize(object);
}

static void gst_heapsolve_alloc_class_init(GstHeapsolveAllocClass *klass)
{
	GObjectClass *object = G_OBJECT_CLASS(klass);
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	GstBaseTransformClass *trans = GST_BASE_TRANSFORM_CLASS(klass);

	object->set_property = gst_heapsolve_alloc_set_property;
	object->get_property = gst_heapsolve_alloc_get_property;
	object->finalize = gst_heapsolve_alloc_finalize;

	constexpr auto rw = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
						     GST_PARAM_MUTABLE_READY);
	constexpr auto ro = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

	g_object_class_install_property(object, PROP_SYSTEM_FILES,
					gst_param_spec_array("system-files", "System files",
							     "Schema-1 YAML files describing the board's memory, heaps, devices and policy, read "
							     "in order, e.g. <board.yaml,devices.yaml>",
							     g_param_spec_string("system-file", "System file", "Path of one system file", nullptr, rw),
							     rw));
	g_object_class_install_property(object, PROP_PRODUCER,
					g_param_spec_string("producer", "Producer",
							    "The device (\"device\" or \"device/plane\", as named in the system files) that "
							    "writes the buffers",
							    nullptr, rw));
	g_object_class_install_property(object, PROP_CONSUMERS,
					gst_param_spec_array("consumers", "Consumers",
							     "The devices (\"device\" or \"device/plane\") that read the buffers, e.g. "
							     "<v3d,display/layer0>; empty when only the producer touches them",
							     g_param_spec_string("consumer", "Consumer", "One consumer", nullptr, rw), rw));
	g_object_class_install_property(object, PROP_BUFFER_COUNT,
					g_param_spec_uint("buffer-count", "Buffer count",
							  "Buffers the pool holds at most; the chosen heap must have room for all of them",
							  1, 64, kDefaultBufferCount, rw));
	g_object_class_install_property(object, PROP_MEMFD,
					g_param_spec_boolean("memfd", "memfd memory",
							     "Allocate memfd memory instead of the solved heap: for tests and machines without "
							     "DMA-BUF heaps. Such buffers are not dma-bufs and do not honour the plan's placement; "
							     "by default (false) buffers come from the chosen heap, or the next eligible one when the "
							     "kernel refuses it, and never from a heap that breaks a rule",
							     FALSE, rw));
	g_object_class_install_property(object, PROP_HEAP,
					g_param_spec_string("heap", "Heap", "The heap the solver chose for the negotiated caps "
									    "(NULL until caps are negotiated)",
							    nullptr, ro));
	g_object_class_install_property(object, PROP_SIZE,
					g_param_spec_uint64("size", "Size", "Bytes of one buffer in the solved layout "
									    "(0 until caps are negotiated)",
							    0, G_MAXUINT64, 0, ro));
	g_object_class_install_property(object, PROP_STRIDES,
					gst_param_spec_array("strides", "Strides", "Bytes per line of each plane in the solved layout",
							     g_param_spec_uint64("stride", "Stride", "Bytes per line", 0, G_MAXUINT64, 0, ro), ro));
	g_object_class_install_property(object, PROP_OFFSETS,
					gst_param_spec_array("offsets", "Offsets", "Byte offset of each plane in the solved layout",
							     g_param_spec_uint64("offset", "Offset", "Bytes from the buffer's start", 0, G_MAXUINT64, 0, ro),
							     ro));

	std::string capsString = "video/x-raw, format = (string) " + heapsolve::gst::gstFormatList() +
				 ", width = (int) [ 1, max ], height = (int) [ 1, max ], "
				 "framerate = (fraction) [ 0, max ]";
	GstCaps *caps = gst_caps_from_string(capsString.c_str());
	gst_element_class_add_pad_template(element, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
	gst_element_class_add_pad_template(element, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
	gst_caps_unref(caps);

	gst_element_class_set_static_metadata(element, "Heapsolve buffer allocator", "Filter/Video",
					      "Passes video through unchanged and offers upstream a pool of buffers allocated where every "
					      "device named by the producer and consumers can use them (heap, strides, offsets and size "
					      "solved from the system files)",
					      "The heapsolve authors");

	trans->start = gst_heapsolve_alloc_start;
	trans->stop = gst_heapsolve_alloc_stop;
	trans->set_caps = gst_heapsolve_alloc_set_caps;
	trans->propose_allocation = gst_heapsolve_alloc_propose_allocation;
	trans->before_transform = gst_heapsolve_alloc_before_transform;
	trans->passthrough_on_same_caps = TRUE;

	gst_type_mark_as_plugin_api(GST_TYPE_HEAPSOLVE_POOL, static_cast<GstPluginAPIFlags>(0));
}

static void gst_heapsolve_alloc_init(GstHeapsolveAlloc *self)
{
	self->state = new ElementState();
	gst_base_transform_set_passthrough(GST_BASE_TRANSFORM(self), TRUE);
}
