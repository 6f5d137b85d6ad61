// SPDX-License-Identifier: Apache-2.0
// The one error type of heapsolve and the Result alias every fallible call returns.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <utility>
#include <variant>
#include <vector>

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

// Bad input: unknown keys, bad numbers, unknown names, overflowing sizes...
struct ParseError {
	Source at;
	std::string what;
};

// A refusal by the kernel (adapters only): the operation, the node it was made on, and errno.
struct SystemError {
	std::string op;
	std::string path;
	int err = 0;
};

// Usage errors of a program (bad flags); they carry no position.
struct UsageError {
	std::string what;
};

class Error
{
public:
	Error(ParseError e) : detail_(std::move(e)) {}
	Error(SystemError e) : detail_(std::move(e)) {}
	Error(UsageError e) : detail_(std::move(e)) {}

	// Passing an error up adds a frame ("while loading board.yaml"); it never replaces the cause.
	// Returns by value, so that `e = std::move(e).withFrame(...)` cannot move e into itself.
	Error withFrame(std::string frame) &&;

	const std::variant<ParseError, SystemError, UsageError> &detail() const { return detail_; }
	const std::vector<std::string> &frames() const { return frames_; }
	bool isParse() const { return std::holds_alternative<ParseError>(detail_); }
	bool isSystem() const { return std::holds_alternative<SystemError>(detail_); }

	// "FILE:LINE:COLUMN: error: WHAT" for bad input, "error: OP PATH: strerror (errno N)" for the
	// kernel, followed by one "  while ..." line per frame.
	std::string message() const;

private:
	std::variant<ParseError, SystemError, UsageError> detail_;
	std::vector<std::string> frames_;
};

template<typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> parseError(Source at, std::string what)
{
	return std::unexpected<Error>(Error(ParseError{ std::move(at), std::move(what) }));
}

} // namespace heapsolve
