// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/result.h"

#include <cstring>

namespace heapsolve {

namespace {

template<typename... F>
struct Overloaded : F... {
	using F::operator()...;
};
template<typename... F>
Overloaded(F...) -> Overloaded<F...>;

std::string errnoText(int err)
{
	return errnoDescription(err) + " (errno " + std::to_string(err) + ")";
}

std::string limitText(const LimitError &l)
{
	switch (l.limit) {
	case Limit::EmptyBuffer:
		return "an empty buffer";
	case Limit::BufferSize:
		return "above heapsolve's limit of " + std::to_string(l.bound) + " bytes per buffer";
	case Limit::MemoryShare:
		return "above half of MemTotal, " + std::to_string(l.bound) + " bytes";
	case Limit::Backend:
		return "heap '" + l.request.heap + "' needs the " + l.backend +
		       " backend, which this caller was not given";
	case Limit::NoDevice:
		return "no DRM primary node offers dumb buffers";
	case Limit::ShortBuffer:
		return "the driver gave " + std::to_string(l.bound) + " bytes, fewer than asked";
	}
	return "?";
}

} // namespace

std::string Source::fileLine() const
{
	return file + ":" + std::to_string(line);
}

std::string Source::position() const
{
	return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Request::describe() const
{
	std::string out;
	if (size != 0)
		out = (count > 1 ? std::to_string(count) + " x " : "") + std::to_string(size) + " bytes";
	if (!heap.empty())
		out += (out.empty() ? "heap '" : " from heap '") + heap + "'";
	return out;
}

Error Error::withFrame(std::string frame) &&
{
	frames_.push_back(std::move(frame));
	return std::move(*this);
}

int Error::err() const
{
	if (const auto *s = system())
		return s->err;
	if (const auto *f = file())
		return f->err;
	return 0;
}

std::optional<Source> Error::at() const
{
	if (const auto *p = parse())
		return p->at;
	if (const auto *o = overflow(); o && !o->at.file.empty())
		return o->at;
	if (const auto *f = file())
		return Source{ f->path, 1, 1 };
	return std::nullopt;
}

std::string Error::summary() const
{
	return std::visit(
		Overloaded{
			[](const ParseError &p) { return p.at.position() + ": " + p.what; },
			[](const DtbError &d) { return d.file + ": " + d.where + ": " + d.what; },
			[](const OverflowError &o) {
				return (o.at.file.empty() ? "" : o.at.position() + ": ") + o.what + " does not fit in 64 bits";
			},
			[](const MergeConflict &m) { return m.kind + ": " + m.why; },
			// A whole-file problem points at the file's start, so that it reads FILE:LINE:COLUMN.
			[](const FileError &f) { return f.path + ":1:1: cannot read: " + errnoDescription(f.err); },
			[](const SystemError &s) {
				std::string out = s.op;
				if (!s.path.empty())
					out += " " + s.path;
				if (!s.request.empty())
					out += " (" + s.request.describe() + ")";
				return out + ": " + errnoText(s.err);
			},
			[](const LimitError &l) {
				std::string out = "refused";
				if (!l.request.empty() && l.limit != Limit::Backend)
					out += " " + l.request.describe();
				if (!l.path.empty() && l.limit != Limit::Backend)
					out += " at " + l.path;
				return out + ": " + limitText(l);
			},
		},
		detail_);
}

std::string Error::message() const
{
	std::string out = summary();
	// Positioned errors read "FILE:LINE:COLUMN: error: WHAT", a device tree's "FILE: error: WHERE:
	// WHAT", the others "error: WHAT".
	if (const auto *d = dtb()) {
		out = d->file + ": error: " + d->where + ": " + d->what;
	} else if (std::optional<Source> where = at()) {
		const std::string position = where->position() + ": ";
		out = position + "error: " + out.substr(position.size());
	} else {
		out = "error: " + out;
	}
	for (const auto &frame : frames_)
		out += "\n  while " + frame;
	return out;
}

Error placed(Error e, const Source &at, const std::string &prefix)
{
	if (const auto *o = e.overflow()) {
		Error out(OverflowError{ at, prefix + o->what });
		for (const auto &frame : e.frames())
			out = std::move(out).withFrame(frame);
		return out;
	}
	return e;
}

std::string errnoDescription(int err)
{
	// glibc's strerrordesc_np returns a constant string (no buffer, no locale), or null.
	if (const char *text = ::strerrordesc_np(err))
		return text;
	return "errno " + std::to_string(err);
}

} // namespace heapsolve
