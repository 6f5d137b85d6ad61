// SPDX-License-Identifier: Apache-2.0
// Per-file log categories for the adapters, after libcamera's LOG(Category, Severity).
// Messages go to stderr, one line each: "[Category] WARN: text". Never to stdout: stdout belongs
// to the commands' output (probe's YAML).
#pragma once

#include <sstream>
#include <string_view>

namespace heapsolve {

enum class LogSeverity { Debug, Info, Warning, Error };

struct LogCategory {
	std::string_view name;
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

// Messages below this severity are dropped; the default is Warning. Not thread-safe: set it once
// at start-up (the CLI does for --verbose).
void setLogThreshold(LogSeverity severity);

} // namespace heapsolve

// Defines the category of one .cpp file (inside its anonymous namespace or at file scope).
#define LOG_DEFINE_CATEGORY(name) static const ::heapsolve::LogCategory kLogCategory##name{ #name }

#define LOG(category, severity) \
	::heapsolve::LogMessage(kLogCategory##category, ::heapsolve::LogSeverity::severity).stream()
