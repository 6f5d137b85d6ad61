// SPDX-License-Identifier: LGPL-2.1-or-later
// libgstheapsolve.so: the heapsolvealloc element, the "heapsolve" debug category, and the
// library's log messages routed to GST_DEBUG categories.
/* GST_PLUGIN_DEFINE names the source package through this macro (autotools convention). */
#define PACKAGE "heapsolve"

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include <gst/gst.h>

#include "gst/heapsolve_alloc.h"
#include "heapsolve/logging.h"
#include "heapsolve/version.h"

GST_DEBUG_CATEGORY_EXTERN(gst_heapsolve_debug);

namespace {

// One GStreamer category per library category: "heapsolve-dmaheap" for DmaHeap, so that
// GST_DEBUG=heapsolve-*:6 shows them all and GST_DEBUG=heapsolve-allocate:5 one of them.
GstDebugCategory *gstCategory(std::string_view category)
{
	static std::mutex lock;
	static std::map<std::string, GstDebugCategory *, std::less<>> categories;
	std::lock_guard<std::mutex> locker(lock);
	if (auto it = categories.find(category); it != categories.end())
		return it->second;
	std::string name = "heapsolve-";
	for (char c : category)
		name += static_cast<char>(g_ascii_tolower(c));
	const std::string description = "heapsolve library: " + std::string(category);
	GstDebugCategory *cat = _gst_debug_category_new(name.c_str(), 0, description.c_str());
	categories.emplace(std::string(category), cat);
	return cat;
}

GstDebugLevel gstLevel(heapsolve::LogSeverity severity)
{
	switch (severity) {
	case heapsolve::LogSeverity::Debug:
		return GST_LEVEL_DEBUG;
	case heapsolve::LogSeverity::Info:
		return GST_LEVEL_INFO;
	case heapsolve::LogSeverity::Warning:
		return GST_LEVEL_WARNING;
	case heapsolve::LogSeverity::Error:
		return GST_LEVEL_ERROR;
	}
	return GST_LEVEL_ERROR;
}

void gstSink(std::string_view category, heapsolve::LogSeverity severity, std::string_view text)
{
	GstDebugCategory *cat = gstCategory(category);
	const GstDebugLevel level = gstLevel(severity);
	if (level > gst_debug_category_get_threshold(cat))
		return;
	const std::string function(category);
	gst_debug_log(cat, level, "heapsolve", function.c_str(), 0, nullptr, "%.*s", static_cast<int>(text.size()),
		      text.data());
}

} // namespace

static gboolean plugin_init(GstPlugin *plugin)
{
	GST_DEBUG_CATEGORY_INIT(gst_heapsolve_debug, "heapsolve", 0,
				"heapsolve: solved buffer placement and layout");
	// The library inside this plugin is its own copy: its messages belong to GStreamer's log,
	// whose thresholds (GST_DEBUG) decide, so the library passes everything on.
	heapsolve::setLogSink(gstSink);
	heapsolve::setLogLevel("*", heapsolve::LogSeverity::Debug);
	return GST_ELEMENT_REGISTER(heapsolvealloc, plugin);
}

/* GStreamer loads only plugins whose license is one it knows; "LGPL" matches the SPDX lines of
 * gst/ (the library code it links is Apache-2.0, which LGPL-3.0 can carry). */
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, heapsolve,
		  "Allocates video buffers where every device of the pipeline can use them",
		  plugin_init, HEAPSOLVE_VERSION_STRING, "LGPL", "heapsolve", "https://heapsolve.invalid/")
