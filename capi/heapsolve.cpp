// SPDX-License-Identifier: Apache-2.0
// The C API over the public C++ library. No exception crosses it: std::bad_alloc becomes
// HEAPSOLVE_ERROR_NO_MEMORY, everything else is a Result already.
#include "heapsolve/heapsolve.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "heapsolve/allocate.h"
#include "heapsolve/conflict_text.h"
#include "heapsolve/loader.h"
#include "heapsolve/probe.h"
#include "heapsolve/solver.h"
#include "heapsolve/version.h"

struct heapsolve_error {
	heapsolve_status code;
	std::string message;
	int err = 0;
};

struct heapsolve_system {
	heapsolve::System system;
};

struct heapsolve_plan {
	heapsolve::BufferResult result;
	std::string backend;
	std::vector<std::string> conflictRules;
	std::vector<std::string> conflictAts;
	std::string explanation;
};

struct heapsolve_allocation {
	heapsolve::Allocation allocation;
	std::string backend;
	std::string fallbacks;
};

namespace {

heapsolve_status fail(heapsolve_error **error, heapsolve_status code, std::string message)
{
	if (error) {
		try {
			*error = new heapsolve_error{ code, std::move(message), 0 };
		} catch (const std::bad_alloc &) {
			*error = nullptr;
		}
	}
	return code;
}

heapsolve_status fail(heapsolve_error **error, const heapsolve::Error &e)
{
	// Bad input (a position, an overflow, a merge that cannot hold), the operating system's refusal
	// (an unreadable file, an ioctl) or heapsolve's own limit.
	const heapsolve_status code = e.system() || e.file() ? HEAPSOLVE_ERROR_SYSTEM
				      : e.limit()	     ? HEAPSOLVE_ERROR_LIMIT
							     : HEAPSOLVE_ERROR_BAD_INPUT;
	const heapsolve_status status = fail(error, code, e.message());
	if (error && *error)
		(*error)->err = e.err();
	return status;
}

heapsolve_status noMemory(heapsolve_error **error)
{
	return fail(error, HEAPSOLVE_ERROR_NO_MEMORY, "out of memory");
}

const heapsolve::Plan *planOf(const heapsolve_plan *p)
{
	return p && p->result.ok() ? &p->result.plan() : nullptr;
}

const heapsolve::Conflict *conflictOf(const heapsolve_plan *p)
{
	return p && !p->result.ok() ? &p->result.conflict() : nullptr;
}

heapsolve_status load(std::span<const heapsolve::InputFile> files, heapsolve_system **system,
		      heapsolve_error **error)
{
	heapsolve::Result<heapsolve::System> s = heapsolve::loadSystem(files);
	if (!s)
		return fail(error, s.error());
	*system = new heapsolve_system{ std::move(*s) };
	return HEAPSOLVE_OK;
}

} // namespace

extern "C" {

const char *heapsolve_version(void)
{
	return HEAPSOLVE_VERSION_STRING;
}

const char *heapsolve_status_name(heapsolve_status status)
{
	switch (status) {
	case HEAPSOLVE_OK:
		return "ok";
	case HEAPSOLVE_ERROR_BAD_INPUT:
		return "bad-input";
	case HEAPSOLVE_ERROR_UNSATISFIABLE:
		return "unsatisfiable";
	case HEAPSOLVE_ERROR_SYSTEM:
		return "system";
	case HEAPSOLVE_ERROR_USAGE:
		return "usage";
	case HEAPSOLVE_ERROR_NO_MEMORY:
		return "no-memory";
	case HEAPSOLVE_ERROR_LIMIT:
		return "limit";
	}
	return "unknown";
}

heapsolve_status heapsolve_error_code(const heapsolve_error *error)
{
	return error ? error->code : HEAPSOLVE_OK;
}

const char *heapsolve_error_message(const heapsolve_error *error)
{
	return error ? error->message.c_str() : "";
}

int heapsolve_error_errno(const heapsolve_error *error)
{
	return error ? error->err : 0;
}

void heapsolve_error_free(heapsolve_error *error)
{
	delete error;
}

heapsolve_status heapsolve_system_load(const char *const *paths, size_t count, heapsolve_system **system,
				       heapsolve_error **error)
{
	if (!system || (!paths && count))
		return fail(error, HEAPSOLVE_ERROR_USAGE, "heapsolve_system_load: NULL argument");
	*system = nullptr;
	try {
		std::vector<std::string> list;
		for (size_t i = 0; i < count; i++) {
			if (!paths[i])
				return fail(error, HEAPSOLVE_ERROR_USAGE,
					    "heapsolve_system_load: path " + std::to_string(i) + " is NULL");
			list.emplace_back(paths[i]);
		}
		heapsolve::Result<heapsolve::System> s = heapsolve::loadSystemFromPaths(list);
		if (!s)
			return fail(error, s.error());
		*system = new heapsolve_system{ std::move(*s) };
		return HEAPSOLVE_OK;
	} catch (const std::bad_alloc &) {
		return noMemory(error);
	}
}

heapsolve_status heapsolve_system_load_from_memory(const char *const *names, const char *const *texts,
						   size_t count, heapsolve_system **system,
						   heapsolve_error **error)
{
	if (!system || ((!names || !texts) && count))
		return fail(error, HEAPSOLVE_ERROR_USAGE, "heapsolve_system_load_from_memory: NULL argument");
	*system = nullptr;
	try {
		std::vector<heapsolve::InputFile> files;
		for (size_t i = 0; i < count; i++) {
			if (!names[i] || !texts[i])
				return fail(error, HEAPSOLVE_ERROR_USAGE, "heapsolve_system_load_from_memory: file " + std::to_string(i) + " is NULL");
			files.push_back({ names[i], texts[i] });
		}
		return load(files, system, error);
	} catch (const std::bad_alloc &) {
		return noMemory(error);
	}
}

void heapsolve_system_free(heapsolve_system *system)
{
	delete system;
}

size_t heapsolve_system_buffer_count(const heapsolve_system *system)
{
	return system ? system->system.buffers.size() : 0;
}

const char *heapsolve_system_buffer_name(const heapsolve_system *system, size_t index)
{
	if (!system || index >= system->system.buffers.size())
		return nullptr;
	return system->system.buffers[index].name.c_str();
}

heapsolve_status heapsolve_solve_buffer(const heapsolve_system *system, const char *buffer,
					heapsolve_plan **plan, heapsolve_error **error)
{
	if (!system || !buffer || !plan)
		return fail(error, HEAPSOLVE_ERROR_USAGE, "heapsolve_solve_buffer: NULL argument");
	*plan = nullptr;
	try {
		const auto &buffers = system->system.buffers;
		size_t index = 0;
		while (index < buffers.size() && buffers[index].name != buffer)
			index++;
		if (index == buffers.size())
			return fail(error, HEAPSOLVE_ERROR_USAGE,
				    std::string("no buffer named '") + buffer + "' in the system");

		heapsolve::Result<heapsolve::BufferResult> r =
			heapsolve::solveBuffer(system->system, system->system.policy, index);
		if (!r)
			return fail(error, r.error());

		auto *p = new heapsolve_plan{ std::move(*r), {}, {}, {}, {} };
		if (const heapsolve::Plan *solved = planOf(p)) {
			p->backend = heapsolve::backendName(solved->heap.backend);
			for (const std::string &a : solved->adjustments)
				p->explanation += (p->explanation.empty() ? "" : "\n") + a;
			*plan = p;
			return HEAPSOLVE_OK;
		}
		const heapsolve::Conflict &c = p->result.conflict();
		for (const heapsolve::Culprit &culprit : c.culprits) {
			p->conflictRules.emplace_back(heapsolve::ruleName(culprit.rule));
			p->conflictAts.push_back(culprit.at.fileLine());
		}
		/* The sentences say what failed; the culprit lines who brought which value, and where. */
		const heapsolve::ConflictText text = heapsolve::conflictText(buffer, c);
		for (const std::string &line : heapsolve::conflictLines(text))
			p->explanation += (p->explanation.empty() ? "" : "\n") + line;
		*plan = p;
		return fail(error, HEAPSOLVE_ERROR_UNSATISFIABLE, text.headline + ":\n" + p->explanation);
	} catch (const std::bad_alloc &) {
		heapsolve_plan_free(*plan);
		*plan = nullptr;
		return noMemory(error);
	}
}

void heapsolve_plan_free(heapsolve_plan *plan)
{
	delete plan;
}

int heapsolve_plan_ok(const heapsolve_plan *plan)
{
	return planOf(plan) ? 1 : 0;
}

const char *heapsolve_plan_buffer(const heapsolve_plan *plan)
{
	return plan ? plan->result.name.c_str() : nullptr;
}

#define PLAN_STRING(fn, expr)                            \
	const char *fn(const heapsolve_plan *plan)       \
	{                                                \
		const heapsolve::Plan *p = planOf(plan); \
		return p ? (expr).c_str() : nullptr;     \
	}

PLAN_STRING(heapsolve_plan_heap, p->heap.name)
PLAN_STRING(heapsolve_plan_backend, plan->backend)
PLAN_STRING(heapsolve_plan_heap_path, p->heap.path)
PLAN_STRING(heapsolve_plan_format, p->format)
PLAN_STRING(heapsolve_plan_modifier, p->modifier)

#define PLAN_NUMBER(fn, field)                           \
	uint64_t fn(const heapsolve_plan *plan)          \
	{                                                \
		const heapsolve::Plan *p = planOf(plan); \
		return p ? p->field : 0;                 \
	}

PLAN_NUMBER(heapsolve_plan_width, width)
PLAN_NUMBER(heapsolve_plan_height, height)
PLAN_NUMBER(heapsolve_plan_count, count)
PLAN_NUMBER(heapsolve_plan_size, size)

size_t heapsolve_plan_plane_count(const heapsolve_plan *plan)
{
	const heapsolve::Plan *p = planOf(plan);
	return p ? p->planes.size() : 0;
}

uint64_t heapsolve_plan_offset(const heapsolve_plan *plan, size_t plane)
{
	const heapsolve::Plan *p = planOf(plan);
	return p && plane < p->planes.size() ? p->planes[plane].offset : 0;
}

uint64_t heapsolve_plan_stride(const heapsolve_plan *plan, size_t plane)
{
	const heapsolve::Plan *p = planOf(plan);
	return p && plane < p->planes.size() ? p->planes[plane].stride : 0;
}

size_t heapsolve_plan_conflict_count(const heapsolve_plan *plan)
{
	const heapsolve::Conflict *c = conflictOf(plan);
	return c ? c->culprits.size() : 0;
}

const char *heapsolve_plan_conflict_user(const heapsolve_plan *plan, size_t index)
{
	const heapsolve::Conflict *c = conflictOf(plan);
	return c && index < c->culprits.size() ? c->culprits[index].user.c_str() : nullptr;
}

const char *heapsolve_plan_conflict_rule(const heapsolve_plan *plan, size_t index)
{
	return conflictOf(plan) && index < plan->conflictRules.size() ? plan->conflictRules[index].c_str() : nullptr;
}

const char *heapsolve_plan_conflict_detail(const heapsolve_plan *plan, size_t index)
{
	const heapsolve::Conflict *c = conflictOf(plan);
	return c && index < c->culprits.size() ? c->culprits[index].detail.c_str() : nullptr;
}

const char *heapsolve_plan_conflict_at(const heapsolve_plan *plan, size_t index)
{
	return conflictOf(plan) && index < plan->conflictAts.size() ? plan->conflictAts[index].c_str() : nullptr;
}

const char *heapsolve_plan_suggestion(const heapsolve_plan *plan)
{
	const heapsolve::Conflict *c = conflictOf(plan);
	return c && c->suggestion ? c->suggestion->c_str() : nullptr;
}

const char *heapsolve_plan_explain(const heapsolve_plan *plan)
{
	return plan ? plan->explanation.c_str() : nullptr;
}

heapsolve_status heapsolve_allocate(const heapsolve_system *system, const heapsolve_plan *plan,
				    heapsolve_allocation **allocation, heapsolve_error **error)
{
	if (!system || !plan || !allocation)
		return fail(error, HEAPSOLVE_ERROR_USAGE, "heapsolve_allocate: NULL argument");
	*allocation = nullptr;
	const heapsolve::Plan *solved = planOf(plan);
	if (!solved)
		return fail(error, HEAPSOLVE_ERROR_USAGE,
			    "heapsolve_allocate: buffer '" + plan->result.name + "' holds a conflict, not a plan");
	try {
		// The files' policy decides whether a DRM primary node may be opened at all.
		const heapsolve::Adapters adapters =
			heapsolve::Adapters::forMachine(heapsolve::PrimaryNodeAccess::fromPolicy(system->system.policy));
		heapsolve::Result<heapsolve::Allocation> a = heapsolve::allocatePlan(*solved, adapters);
		if (!a)
			return fail(error, a.error());
		auto *out = new heapsolve_allocation{ std::move(*a), {}, {} };
		out->backend = heapsolve::backendName(out->allocation.heap.backend);
		for (const std::string &f : out->allocation.fallbacks)
			out->fallbacks += (out->fallbacks.empty() ? "" : "\n") + f;
		*allocation = out;
		return HEAPSOLVE_OK;
	} catch (const std::bad_alloc &) {
		return noMemory(error);
	}
}

void heapsolve_allocation_free(heapsolve_allocation *allocation)
{
	delete allocation;
}

const char *heapsolve_allocation_heap(const heapsolve_allocation *allocation)
{
	return allocation ? allocation->allocation.heap.name.c_str() : nullptr;
}

const char *heapsolve_allocation_backend(const heapsolve_allocation *allocation)
{
	return allocation ? allocation->backend.c_str() : nullptr;
}

const char *heapsolve_allocation_fallbacks(const heapsolve_allocation *allocation)
{
	return allocation ? allocation->fallbacks.c_str() : nullptr;
}

size_t heapsolve_allocation_buffer_count(const heapsolve_allocation *allocation)
{
	return allocation ? allocation->allocation.buffers.size() : 0;
}

namespace {

const heapsolve::DmaBuf *bufferOf(const heapsolve_allocation *allocation, size_t index)
{
	if (!allocation || index >= allocation->allocation.buffers.size())
		return nullptr;
	return &allocation->allocation.buffers[index];
}

const std::vector<heapsolve::PlaneLayout> *planesOf(const heapsolve_allocation *allocation)
{
	// Every buffer carries the plan's layout; an allocation has at least one buffer.
	const heapsolve::DmaBuf *first = bufferOf(allocation, 0);
	return first ? &first->planes : nullptr;
}

} // namespace

int heapsolve_allocation_fd(const heapsolve_allocation *allocation, size_t index)
{
	const heapsolve::DmaBuf *b = bufferOf(allocation, index);
	return b && b->fd.isValid() ? b->fd.get() : -1;
}

int heapsolve_allocation_release_fd(heapsolve_allocation *allocation, size_t index)
{
	if (!bufferOf(allocation, index))
		return -1;
	heapsolve::DmaBuf &b = allocation->allocation.buffers[index];
	return b.fd.isValid() ? b.fd.release() : -1;
}

uint64_t heapsolve_allocation_size(const heapsolve_allocation *allocation, size_t index)
{
	const heapsolve::DmaBuf *b = bufferOf(allocation, index);
	return b ? b->size : 0;
}

const char *heapsolve_allocation_exporter(const heapsolve_allocation *allocation, size_t index)
{
	const heapsolve::DmaBuf *b = bufferOf(allocation, index);
	return b ? b->exporter.c_str() : nullptr;
}

size_t heapsolve_allocation_plane_count(const heapsolve_allocation *allocation)
{
	const auto *planes = planesOf(allocation);
	return planes ? planes->size() : 0;
}

uint64_t heapsolve_allocation_offset(const heapsolve_allocation *allocation, size_t plane)
{
	const auto *planes = planesOf(allocation);
	return planes && plane < planes->size() ? (*planes)[plane].offset : 0;
}

uint64_t heapsolve_allocation_stride(const heapsolve_allocation *allocation, size_t plane)
{
	const auto *planes = planesOf(allocation);
	return planes && plane < planes->size() ? (*planes)[plane].stride : 0;
}

heapsolve_status heapsolve_probe(unsigned flags, char **yaml, heapsolve_error **error)
{
	if (!yaml)
		return fail(error, HEAPSOLVE_ERROR_USAGE, "heapsolve_probe: NULL argument");
	*yaml = nullptr;
	if (flags & ~unsigned(HEAPSOLVE_PROBE_PRIMARY_NODES))
		return fail(error, HEAPSOLVE_ERROR_USAGE, "heapsolve_probe: unknown flags " + std::to_string(flags));
	try {
		heapsolve::ProbeOptions options;
		if (flags & HEAPSOLVE_PROBE_PRIMARY_NODES)
			options.primaryNodes = heapsolve::PrimaryNodeAccess::fromPolicy(heapsolve::Policy{});
		const heapsolve::MachineDescription machine = heapsolve::probeMachine(options);
		if (machine.empty()) {
			std::string why = "nothing to describe: no memory map, DMA-BUF heap, udmabuf or DRM device could be read";
			for (const std::string &note : machine.offer.notes)
				why += "\n  " + note;
			return fail(error, HEAPSOLVE_ERROR_SYSTEM, why);
		}
		const std::string text = heapsolve::toYaml(machine);
		char *out = static_cast<char *>(std::malloc(text.size() + 1));
		if (!out)
			return noMemory(error);
		std::memcpy(out, text.c_str(), text.size() + 1);
		*yaml = out;
		return HEAPSOLVE_OK;
	} catch (const std::bad_alloc &) {
		return noMemory(error);
	}
}

void heapsolve_string_free(char *string)
{
	std::free(string);
}

} // extern "C"
