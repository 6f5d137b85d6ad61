// SPDX-License-Identifier: Apache-2.0
// The one error type of heapsolve and the Result alias every fallible call returns.
//
// An Error is one of a few families, each with its own fields, so that callers ask what happened
// (error.system()->err, error.limit()->bound, error.at()) instead of searching message() text:
// - ParseError:    bad input at FILE:LINE:COLUMN.
// - DtbError:      bad input in a flattened device tree, at a node path or byte offset.
// - OverflowError: a number computed from the input does not fit in 64 bits.
// - MergeConflict: two values of one constraint kind cannot hold together.
// - FileError:     an input file cannot be read (missing, a directory, no permission).
// - SystemError:   the kernel refused an operation (adapters only).
// - LimitError:    heapsolve itself refused a request, before any kernel saw it.
// No family invents an errno: only SystemError and FileError carry one, and it is the kernel's.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "heapsolve/writers.h"

namespace heapsolve {

// Where a value was written: FILE as given by the caller, 1-based LINE and COLUMN.
// A default that nobody wrote points at the entry (heap, device, buffer) that leaves it out.
struct Source {
	std::string file;
	int line = 0;
	int column = 0;

	// "FILE:LINE", the form conflicts cite.
	std::string fileLine() const;
	// "FILE:LINE:COLUMN", the form errors start with.
	std::string position() const;
	bool operator==(const Source &) const = default;
};

// Bad input: unknown keys, bad numbers, unknown names, nesting too deep...
struct ParseError {
	Source at;
	std::string what;
};

// Bad input in a flattened device tree (a DTB), which has no lines: the place is a node path
// ("/soc/gpu@7ec00000") or "byte offset N" where no node is known yet. It reads
// "FILE: error: WHERE: WHAT" (docs/devicetree.md).
struct DtbError {
	std::string file; // the blob as its reader named it ("/sys/firmware/fdt", "board.dtb")
	std::string where;
	std::string what;
};

// A number computed from the input (a layout, a capacity sum, a common multiple) that does not
// fit in 64 bits. `what` names the computation ("plane 0's line of 4611686018427387904 samples");
// the message adds "does not fit in 64 bits". `at` is the value the computation started from;
// empty (file "") where it is not known (a constraint kind's merge(), the layout formula): the
// solver, which knows it, places the error (see placed()).
struct OverflowError {
	Source at;
	std::string what;
};

// Two values of one constraint kind that cannot hold together (`cached` with `uncached`), found by
// the kind's merge(). An empty intersection is not one: it is a value (the empty window set, the
// empty format set) that the solver reports as a Conflict with its culprits.
struct MergeConflict {
	std::string kind; // the kind's kName: "cache", "align", ...
	std::string why;
	// For sourced values (constraints/sourced.h): the writers of both sides, whose rules cannot
	// hold together. Empty for plain values, which know no writers.
	Writers culprits;
};

// An input file (a system description) that cannot be read: the path as given and the kernel's
// errno (ENOENT, EACCES, EISDIR...). The same error wherever a file is read (CLI, C API, the
// GStreamer element), through the one O_CLOEXEC reader.
struct FileError {
	std::string path;
	int err = 0;
};

// What was asked, in its own fields (never pasted into the operation's name).
struct Request {
	std::string heap;   // the heap's name; "" when the request names none
	uint64_t size = 0;  // bytes of one buffer; 0 when the operation is not a sized request
	uint64_t count = 0; // buffers asked for together; 0 when the operation is for one buffer

	bool empty() const { return heap.empty() && size == 0 && count == 0; }
	// "2 x 8192 bytes from heap 'system'", "8192 bytes", "heap 'system'"; "" when empty().
	std::string describe() const;
};

// A refusal by the kernel (adapters only): the operation, the node or file it was made on, the
// kernel's errno and what was asked.
struct SystemError {
	std::string op;	  // a verb: "open", "memfd_create", "ioctl DMA_HEAP_IOCTL_ALLOC"
	std::string path; // the node or file ("" when the operation has none)
	int err = 0;
	Request request;
};

// The limits heapsolve itself puts on a request and on what it accepts back (adapters/adapter.h
// gives the figures).
enum class Limit {
	EmptyBuffer, // a buffer of 0 bytes
	BufferSize,  // one buffer above kMaxBufferSize (bound: that figure)
	MemoryShare, // count x size above half of MemTotal (bound: half of MemTotal)
	Backend,     // the heap's backend is not among the adapters the caller gave
	NoDevice,    // the backend has no device to allocate from (no DRM primary node with dumb buffers)
	ShortBuffer, // the driver gave fewer bytes than asked (bound: the bytes it gave)
};

// heapsolve's own refusal: which limit, its figure, what was asked and the node it was (or would
// have been) asked of. It carries no errno: where no kernel refused, none is invented.
struct LimitError {
	Limit limit = Limit::EmptyBuffer;
	uint64_t bound = 0;  // see Limit; 0 where the limit has no figure
	std::string backend; // the backend concerned ("drm-dumb"); "" when any
	std::string path;    // the node ("" when unknown)
	Request request;
};

class Error
{
public:
	using Detail = std::variant<ParseError, DtbError, OverflowError, MergeConflict, FileError, SystemError,
				    LimitError>;

	Error(ParseError e) : detail_(std::move(e)) {}
	Error(DtbError e) : detail_(std::move(e)) {}
	Error(OverflowError e) : detail_(std::move(e)) {}
	Error(MergeConflict e) : detail_(std::move(e)) {}
	Error(FileError e) : detail_(std::move(e)) {}
	Error(SystemError e) : detail_(std::move(e)) {}
	Error(LimitError e) : detail_(std::move(e)) {}

	// Passing an error up adds a frame ("while loading board.yaml"); it never replaces the cause.
	// Returns by value, so that `e = std::move(e).withFrame(...)` cannot move e into itself.
	Error withFrame(std::string frame) &&;

	const Detail &detail() const { return detail_; }
	const std::vector<std::string> &frames() const { return frames_; }

	// The family, or null when the error is of another one.
	const ParseError *parse() const { return std::get_if<ParseError>(&detail_); }
	const DtbError *dtb() const { return std::get_if<DtbError>(&detail_); }
	DtbError *dtb() { return std::get_if<DtbError>(&detail_); }
	const OverflowError *overflow() const { return std::get_if<OverflowError>(&detail_); }
	const MergeConflict *mergeConflict() const { return std::get_if<MergeConflict>(&detail_); }
	MergeConflict *mergeConflict() { return std::get_if<MergeConflict>(&detail_); }
	const FileError *file() const { return std::get_if<FileError>(&detail_); }
	const SystemError *system() const { return std::get_if<SystemError>(&detail_); }
	const LimitError *limit() const { return std::get_if<LimitError>(&detail_); }

	// The kernel's errno (SystemError, FileError); 0 for the library's own errors.
	int err() const;
	// Where in the input the error is: a ParseError's or placed OverflowError's position, an
	// unreadable file's FILE:1:1; nullopt for the others (a DtbError has no line: see dtb()).
	std::optional<Source> at() const;

	// The cause in one line, without "error: " and without frames: what a one-line report (a
	// GStreamer message's text, a fallback note) shows.
	std::string summary() const;
	// "FILE:LINE:COLUMN: error: WHAT" for bad input, "FILE: error: WHERE: WHAT" for a bad device
	// tree, "error: OP PATH (REQUEST): strerror (errno N)" for the kernel, "error: ..." for the
	// others, followed by one "  while ..." line per frame.
	std::string message() const;

private:
	Detail detail_;
	std::vector<std::string> frames_;
};

template<typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> parseError(Source at, std::string what)
{
	return std::unexpected<Error>(Error(ParseError{ std::move(at), std::move(what) }));
}

// The same error at `at`, its text led by `prefix` (the solver places the layout's and the
// merges' overflows at the buffer that caused them). Errors of other families come back unchanged.
Error placed(Error e, const Source &at, const std::string &prefix);

// The C library's description of errno ERR ("No such file or directory"), safe to call from many
// threads at once (std::strerror writes a shared buffer for an unknown errno); "errno N" when the
// C library has none.
std::string errnoDescription(int err);

} // namespace heapsolve

// Propagation, after Abseil's RETURN_IF_ERROR / ASSIGN_OR_RETURN: in a function returning a
// Result, return the error of `expr` (a Result) as it is, or with one more frame. `expr` may be a
// call or a Result variable the caller goes on using (bound by reference, never copied).
//
//   HEAPSOLVE_TRY(loadFile(f));
//   auto n = number(node);
//   HEAPSOLVE_TRY(n);                     // then *n
//   HEAPSOLVE_TRY_FRAME(allocate(p), "allocating buffer '" + p.buffer + "'");
//   HEAPSOLVE_TRY_ASSIGN(const std::string text, readFile(path));
#define HEAPSOLVE_TRY(expr)                                                       \
	do {                                                                      \
		if (auto &&heapsolveTry_ = (expr); !heapsolveTry_)                \
			return std::unexpected(std::move(heapsolveTry_).error()); \
	} while (0)

#define HEAPSOLVE_TRY_FRAME(expr, frame)                                                                      \
	do {                                                                                                  \
		if (auto &&heapsolveTry_ = (expr); !heapsolveTry_)                                            \
			return std::unexpected(std::move(std::move(heapsolveTry_).error()).withFrame(frame)); \
	} while (0)

#define HEAPSOLVE_TRY_CONCAT_(a, b) a##b
#define HEAPSOLVE_TRY_CONCAT(a, b) HEAPSOLVE_TRY_CONCAT_(a, b)
// NOLINTBEGIN(bugprone-macro-parentheses): tmp names a variable and lhs is a declaration such as
// `auto x`; neither can stand in parentheses.
#define HEAPSOLVE_TRY_ASSIGN_(tmp, lhs, expr)                   \
	auto tmp = (expr);                                      \
	if (!tmp)                                               \
		return std::unexpected(std::move(tmp).error()); \
	lhs = std::move(*tmp)
#define HEAPSOLVE_TRY_ASSIGN(lhs, expr) HEAPSOLVE_TRY_ASSIGN_(HEAPSOLVE_TRY_CONCAT(heapsolveTry_, __LINE__), lhs, expr)
// NOLINTEND(bugprone-macro-parentheses)
