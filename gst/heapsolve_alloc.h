// SPDX-License-Identifier: LGPL-2.1-or-later
// heapsolvealloc: a passthrough element that answers upstream's ALLOCATION query with a pool whose
// buffers live where the system files say every device of the buffer can use them.
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_HEAPSOLVE_ALLOC (gst_heapsolve_alloc_get_type())
G_DECLARE_FINAL_TYPE(GstHeapsolveAlloc, gst_heapsolve_alloc, GST, HEAPSOLVE_ALLOC, GstBaseTransform)

GST_ELEMENT_REGISTER_DECLARE(heapsolvealloc);

G_END_DECLS
