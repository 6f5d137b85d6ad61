// SPDX-License-Identifier: Apache-2.0
// Per-file log categories inside the library, after libcamera's LOG(Category, Severity). The host
// chooses the sink and the levels (log/logging.h). Never stdout: stdout belongs to the commands'
// output (probe's YAML). The solver does not log (docs/design.md).
#pragma once

#include <atomic>
#include <sstream>
#include <string_view>

#include "heapsolve/logging.h"

namespace heapsolve {

// One category. Define it with LOG_DEFINE_CATEGORY at namespace scope of a .cpp file: it lives
// until the program exits, registered so that setLogLevel() can reach it.
class LogCategory
{
public:
	explicit LogCategory(std::string_view name);
	LogCategory(const LogCategory &) = delete;
	LogCategory &operator=(const LogCategory &) = delete;

	std::string_view name() const { return name_; }
	bool enabled(LogSeverity severity) const
	{
		return static_cast<int>(severity) >= level_.load(std::memory_order_relaxed);
	}

private:
	friend class LogRegistry;

	std::string_view name_;
	std::atomic<int> level_; // the lowest LogSeverity that passes
};

// One message; it is written when the temporary is destroyed, at the end of the LOG statement.
class LogMessage
{
public:
	LogMessage(const LogCategory &category, LogSeverity severity);
	~LogMessage();
	LogMessage(const LogMessage &) = delete;
	LogMessage &operator=(const LogMessage &) = delete;

	std::ostream &stream() { return text_; }

private:
	const LogCategory &category_;
	LogSeverity severity_;
	std::ostringstream text_;
};

// Turns the stream expression of LOG into void, so that both arms of its ?: have one type.
struct LogVoidify {
	void operator&(std::ostream &) {}
};

} // namespace heapsolve

// Defines the category of one .cpp file (at namespace scope).
#define LOG_DEFINE_CATEGORY(name) \
	static ::heapsolve::LogCategory kLogCategory##name { #name }

// A message below its category's level costs one relaxed load: the stream is not even built.
// (glog's form: `&` binds looser than `<<`, so the whole `LOG(...) << a << b` is the ?: operand,
// and the macro is one expression, safe inside an unbraced if/else.)
#define LOG(category, severity)                                             \
	!kLogCategory##category.enabled(::heapsolve::LogSeverity::severity) \
		? (void)0                                                   \
		: ::heapsolve::LogVoidify() &                               \
			  ::heapsolve::LogMessage(kLogCategory##category, ::heapsolve::LogSeverity::severity).stream()
