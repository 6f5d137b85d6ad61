/* SPDX-License-Identifier: Apache-2.0 */
/*
 * heapsolve C API: load a system description (schema-1 YAML files), solve one of its buffers,
 * read where and how to allocate it, or why it cannot be shared as described; allocate a solved
 * plan (dma-buf fds with their layout); describe this machine's heaps (probe).
 *
 * Conventions:
 * - Handles are opaque. Every handle a function returns through an out-parameter is owned by the
 *   caller and freed with its _free function (NULL is accepted and ignored).
 * - Strings returned by getters belong to the handle and live until it is freed.
 * - Fallible functions return a heapsolve_status. When they fail and `error` is not NULL, *error
 *   receives a heapsolve_error carrying the same code and a message with the explanation
 *   ("board.yaml:12:5: error: ..."), to be freed with heapsolve_error_free().
 * - Handles are immutable once returned: several threads may read one at a time.
 * - Link with `pkg-config --cflags --libs heapsolve` (soname libheapsolve.so.0).
 */
#ifndef HEAPSOLVE_HEAPSOLVE_H
#define HEAPSOLVE_HEAPSOLVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define HEAPSOLVE_API __attribute__((visibility("default")))
#else
#define HEAPSOLVE_API
#endif

/* NOLINTBEGIN(modernize-use-using): a C header; C has no `using`. */
typedef enum heapsolve_status {
	HEAPSOLVE_OK = 0,
	/* The files are not a valid schema-1 system, or a layout/capacity computation would
	 * overflow 64 bits. The message starts with FILE:LINE:COLUMN. */
	HEAPSOLVE_ERROR_BAD_INPUT = 1,
	/* The buffer cannot be shared as described; the plan handle still holds the conflict. */
	HEAPSOLVE_ERROR_UNSATISFIABLE = 2,
	/* The operating system refused (a file cannot be read, a heap refused the allocation); the
	 * message names the node and errno, heapsolve_error_errno() gives errno. */
	HEAPSOLVE_ERROR_SYSTEM = 3,
	/* The call itself is wrong: a NULL argument, an unknown buffer name, allocating a conflict. */
	HEAPSOLVE_ERROR_USAGE = 4,
	HEAPSOLVE_ERROR_NO_MEMORY = 5,
	/* heapsolve refused the allocation itself, before any kernel was asked: one buffer above
	 * 1 GiB, all of them above half of MemTotal, a backend with no device. */
	HEAPSOLVE_ERROR_LIMIT = 6,
} heapsolve_status;

typedef struct heapsolve_error heapsolve_error;
typedef struct heapsolve_system heapsolve_system;
/* The answer for one buffer: a plan (heap, size, planes) or a conflict (culprits, explanation). */
typedef struct heapsolve_plan heapsolve_plan;
/* The dma-bufs of one allocated plan, owned by the handle: freeing it closes them. */
typedef struct heapsolve_allocation heapsolve_allocation;
/* NOLINTEND(modernize-use-using) */

/* The library's MAJOR.MINOR.PATCH, as it was built: HEAPSOLVE_VERSION_STRING of the
 * <heapsolve/version.h> installed with it. */
HEAPSOLVE_API const char *heapsolve_version(void);
/* "ok", "bad-input", "unsatisfiable", "system", "usage", "no-memory", "limit"; "unknown" otherwise. */
HEAPSOLVE_API const char *heapsolve_status_name(heapsolve_status status);

HEAPSOLVE_API heapsolve_status heapsolve_error_code(const heapsolve_error *error);
/* The explanation, one or more lines without a trailing newline. */
HEAPSOLVE_API const char *heapsolve_error_message(const heapsolve_error *error);
/* The kernel's errno for HEAPSOLVE_ERROR_SYSTEM (ENOENT, EACCES, ENOMEM...); 0 otherwise. */
HEAPSOLVE_API int heapsolve_error_errno(const heapsolve_error *error);
HEAPSOLVE_API void heapsolve_error_free(heapsolve_error *error);

/* Reads and merges `count` files in order (board, devices, pipeline...). Errors cite the paths as
 * given. On success *system is a new handle. */
HEAPSOLVE_API heapsolve_status heapsolve_system_load(const char *const *paths, size_t count,
						     heapsolve_system **system, heapsolve_error **error);
/* The same from memory: names[i] is how errors cite texts[i]. */
HEAPSOLVE_API heapsolve_status heapsolve_system_load_from_memory(const char *const *names,
								 const char *const *texts, size_t count,
								 heapsolve_system **system,
								 heapsolve_error **error);
HEAPSOLVE_API void heapsolve_system_free(heapsolve_system *system);

/* The buffers in definition order; the name is NULL when index >= count. */
HEAPSOLVE_API size_t heapsolve_system_buffer_count(const heapsolve_system *system);
HEAPSOLVE_API const char *heapsolve_system_buffer_name(const heapsolve_system *system, size_t index);

/*
 * Solves the buffer called `buffer`.
 * - HEAPSOLVE_OK: *plan holds a plan.
 * - HEAPSOLVE_ERROR_UNSATISFIABLE: *plan holds the conflict (read it with the _conflict_
 *   functions and heapsolve_plan_explain()); *error, if asked for, carries the explanation.
 * - otherwise *plan is NULL.
 */
HEAPSOLVE_API heapsolve_status heapsolve_solve_buffer(const heapsolve_system *system, const char *buffer,
						      heapsolve_plan **plan, heapsolve_error **error);
HEAPSOLVE_API void heapsolve_plan_free(heapsolve_plan *plan);

/* 1 when the buffer was solved, 0 when it holds a conflict. */
HEAPSOLVE_API int heapsolve_plan_ok(const heapsolve_plan *plan);
HEAPSOLVE_API const char *heapsolve_plan_buffer(const heapsolve_plan *plan);

/* Getters of a solved plan; NULL or 0 for a conflict or an index out of range. Sizes, offsets and
 * strides are in bytes; size is that of one buffer (count buffers are allocated separately). */
HEAPSOLVE_API const char *heapsolve_plan_heap(const heapsolve_plan *plan);
HEAPSOLVE_API const char *heapsolve_plan_backend(const heapsolve_plan *plan);	/* "dma-heap", ... */
HEAPSOLVE_API const char *heapsolve_plan_heap_path(const heapsolve_plan *plan); /* "" for drm-dumb */
HEAPSOLVE_API const char *heapsolve_plan_format(const heapsolve_plan *plan);
HEAPSOLVE_API const char *heapsolve_plan_modifier(const heapsolve_plan *plan);
HEAPSOLVE_API uint64_t heapsolve_plan_width(const heapsolve_plan *plan);
HEAPSOLVE_API uint64_t heapsolve_plan_height(const heapsolve_plan *plan);
HEAPSOLVE_API uint64_t heapsolve_plan_count(const heapsolve_plan *plan);
HEAPSOLVE_API uint64_t heapsolve_plan_size(const heapsolve_plan *plan);
HEAPSOLVE_API size_t heapsolve_plan_plane_count(const heapsolve_plan *plan);
HEAPSOLVE_API uint64_t heapsolve_plan_offset(const heapsolve_plan *plan, size_t plane);
HEAPSOLVE_API uint64_t heapsolve_plan_stride(const heapsolve_plan *plan, size_t plane);

/* Each (user, rule) pair of a conflict: user is a device, "device/plane" or a heap; rule is one of
 * address, contiguous, align, stride, format, modifier, cache, protected, size, backend, plane;
 * at is "FILE:LINE". 0 / NULL for a solved plan or an index out of range. */
HEAPSOLVE_API size_t heapsolve_plan_conflict_count(const heapsolve_plan *plan);
HEAPSOLVE_API const char *heapsolve_plan_conflict_user(const heapsolve_plan *plan, size_t index);
HEAPSOLVE_API const char *heapsolve_plan_conflict_rule(const heapsolve_plan *plan, size_t index);
HEAPSOLVE_API const char *heapsolve_plan_conflict_detail(const heapsolve_plan *plan, size_t index);
HEAPSOLVE_API const char *heapsolve_plan_conflict_at(const heapsolve_plan *plan, size_t index);
/* NULL when there is no suggestion. */
HEAPSOLVE_API const char *heapsolve_plan_suggestion(const heapsolve_plan *plan);

/* For people. A conflict: its sentences, then one line per culprit ("display (address): needs
 * [0x0, 0x100000000), at board.yaml:31"), then the suggestion. A plan: what the users' rules
 * changed from the format's natural layout, one per line (possibly ""). */
HEAPSOLVE_API const char *heapsolve_plan_explain(const heapsolve_plan *plan);

/*
 * Allocates the solved `plan` of `system`: heapsolve_plan_count() dma-bufs of heapsolve_plan_size()
 * bytes each, all from one heap - the plan's, or the next eligible one when the kernel refuses
 * with EACCES, ENOENT or ENOMEM. The system's policy decides whether a DRM primary node may be
 * opened. Each dma-buf is named after the buffer (DMA_BUF_SET_NAME) where the kernel allows.
 * - HEAPSOLVE_OK: *allocation holds the fds, to be freed with heapsolve_allocation_free().
 * - HEAPSOLVE_ERROR_SYSTEM (the last heap's errno and node), HEAPSOLVE_ERROR_LIMIT, or
 *   HEAPSOLVE_ERROR_USAGE (NULL argument, a plan holding a conflict); *allocation is NULL and no
 *   fd stays open.
 */
HEAPSOLVE_API heapsolve_status heapsolve_allocate(const heapsolve_system *system, const heapsolve_plan *plan,
						  heapsolve_allocation **allocation, heapsolve_error **error);
/* Closes every fd the handle still owns. */
HEAPSOLVE_API void heapsolve_allocation_free(heapsolve_allocation *allocation);

/* The heap the buffers came from and its backend; NULL for a NULL handle. */
HEAPSOLVE_API const char *heapsolve_allocation_heap(const heapsolve_allocation *allocation);
HEAPSOLVE_API const char *heapsolve_allocation_backend(const heapsolve_allocation *allocation);
/* Heaps that refused before it, one sentence each, "" when none. */
HEAPSOLVE_API const char *heapsolve_allocation_fallbacks(const heapsolve_allocation *allocation);
/* The number of dma-bufs (the plan's count). */
HEAPSOLVE_API size_t heapsolve_allocation_buffer_count(const heapsolve_allocation *allocation);
/* The dma-buf fd of buffer `index` (O_RDWR | O_CLOEXEC), owned by the handle; -1 when out of range
 * or released. */
HEAPSOLVE_API int heapsolve_allocation_fd(const heapsolve_allocation *allocation, size_t index);
/* Hands the fd of buffer `index` to the caller, who closes it; the handle forgets it (later
 * heapsolve_allocation_fd() calls give -1). -1 when out of range or already released. */
HEAPSOLVE_API int heapsolve_allocation_release_fd(heapsolve_allocation *allocation, size_t index);
/* Bytes the kernel gave for buffer `index` (>= heapsolve_plan_size(), page-rounded); 0 out of range. */
HEAPSOLVE_API uint64_t heapsolve_allocation_size(const heapsolve_allocation *allocation, size_t index);
/* The dma-buf's exporter as /proc/self/fdinfo names it ("system", "udmabuf", ...); "" when unknown. */
HEAPSOLVE_API const char *heapsolve_allocation_exporter(const heapsolve_allocation *allocation, size_t index);
/* The layout, the same for every buffer: the plan's planes with their offset and stride in bytes. */
HEAPSOLVE_API size_t heapsolve_allocation_plane_count(const heapsolve_allocation *allocation);
HEAPSOLVE_API uint64_t heapsolve_allocation_offset(const heapsolve_allocation *allocation, size_t plane);
HEAPSOLVE_API uint64_t heapsolve_allocation_stride(const heapsolve_allocation *allocation, size_t plane);

/* heapsolve_probe() flags. */
enum {
	/* Also open DRM primary nodes (/dev/dri/cardN) briefly, for dumb-buffer heaps and KMS planes,
	 * as `heapsolve probe` does. Without it no primary node is opened: the first opener of one
	 * becomes DRM master when no compositor holds it. */
	HEAPSOLVE_PROBE_PRIMARY_NODES = 1 << 0,
};

/*
 * Describes this machine's memory and heaps (DMA-BUF heaps, udmabuf, DRM render nodes) as
 * schema-1 YAML, the text `heapsolve probe` prints; `flags` is 0 or HEAPSOLVE_PROBE_PRIMARY_NODES.
 * On success *yaml is a new NUL-terminated string, freed with heapsolve_string_free();
 * HEAPSOLVE_ERROR_SYSTEM when nothing at all could be read (the message lists why); *yaml is NULL
 * then.
 */
HEAPSOLVE_API heapsolve_status heapsolve_probe(unsigned flags, char **yaml, heapsolve_error **error);
HEAPSOLVE_API void heapsolve_string_free(char *string);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSOLVE_HEAPSOLVE_H */
