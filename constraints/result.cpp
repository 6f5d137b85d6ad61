// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/result.h"

#include <cstring>

namespace heapsolve {

std::string Source::fileLine() const
{
	return file + ":" + std::to_string(line);
}

std::string Source::position() const
{
	return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Error Error::withFrame(std::string frame) &&
{
	frames_.push_back(std::move(frame));
	return std::move(*this);
}

std::string Error::message() const
{
	std::string out;
	if (const auto *p = std::get_if<ParseError>(&detail_)) {
		out = p->at.position() + ": error: " + p->what;
	} else if (const auto *s = std::get_if<SystemError>(&detail_)) {
		out = "error: " + s->op + " " + s->path + ": " + std::strerror(s->err) +
		      " (errno " + std::to_string(s->err) + ")";
	} else {
		out = "error: " + std::get<UsageError>(detail_).what;
	}
	for (const auto &frame : frames_)
		out += "\n  while " + frame;
	return out;
}

} // namespace heapsolve
