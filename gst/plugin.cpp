// SPDX-License-Identifier: LGPL-2.1-or-later
// libgstheapsolve.so: the heapsolvealloc element and the "heapsolve" debug category.
/* GST_PLUGIN_DEFINE names the source package through this macro (autotools convention). */
#define PACKAGE "heapsolve"

#include <gst/gst.h>

#include "gst/heapsolve_alloc.h"
#include "heapsolve/version.h"

GST_DEBUG_CATEGORY_EXTERN(gst_heapsolve_debug);

static gboolean plugin_init(GstPlugin *plugin)
{
	GST_DEBUG_CATEGORY_INIT(gst_heapsolve_debug, "heapsolve", 0,
				"heapsolve: solved buffer placement and layout");
	return GST_ELEMENT_REGISTER(heapsolvealloc, plugin);
}

/* GStreamer loads only plugins whose license is one it knows; "LGPL" matches the SPDX lines of
 * gst/ (the library code it links is Apache-2.0, which LGPL-3.0 can carry). */
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, heapsolve,
		  "Allocates video buffers where every device of the pipeline can use them",
		  plugin_init, HEAPSOLVE_VERSION_STRING, "LGPL", "heapsolve", "https://heapsolve.invalid/")
