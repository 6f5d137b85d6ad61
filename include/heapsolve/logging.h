// SPDX-License-Identifier: Apache-2.0
// Logging the host controls, after libcamera's logging.h and wlroots' wlr_log_init(): the
// embedding program chooses where heapsolve's messages go (a sink) and how much of them (a level
// per category). The library itself never prints to stdout.
//
// Categories are the library's files' areas ("DmaHeap", "Allocate", "UniqueFd", ...); each message
// is one line of text without a trailing newline. Without a sink, messages go to stderr as
// "[Category] WARN: text". Without a level, a category passes Warning and Error.
//
// Thread-safe: the setters may be called while other threads log. A message being written while
// setLogSink() runs goes to the old sink or the new one, never to both, and the old sink is not
// called once setLogSink() has returned. A sink may be called from several threads at once and
// must not call the setters.
#pragma once

#include <functional>
#include <string_view>

namespace heapsolve {

enum class LogSeverity {
	Debug,
	Info,
	Warning,
	Error,
};

// "DEBUG", "INFO", "WARN", "ERROR".
const char *logSeverityName(LogSeverity severity);

using LogSink = std::function<void(std::string_view category, LogSeverity severity, std::string_view text)>;

// Sends every message that passes its category's level to `sink`; an empty sink restores stderr.
void setLogSink(LogSink sink);

// Messages of `category` below `severity` are dropped. The category "*" sets the level of every
// category that has none of its own (the default is Warning).
void setLogLevel(std::string_view category, LogSeverity severity);

} // namespace heapsolve
