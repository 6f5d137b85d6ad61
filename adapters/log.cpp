// SPDX-License-Identifier: Apache-2.0
#include "adapters/log.h"

#include <cstdio>
#include <string>

namespace heapsolve {

namespace {

LogSeverity gThreshold = LogSeverity::Warning;

const char *severityName(LogSeverity s)
{
	switch (s) {
	case LogSeverity::Debug:
		return "DEBUG";
	case LogSeverity::Info:
		return "INFO";
	case LogSeverity::Warning:
		return "WARN";
	case LogSeverity::Error:
		return "ERROR";
	}
	return "?";
}

} // namespace

LogMessage::LogMessage(const LogCategory &category, LogSeverity severity)
	: category_(category), severity_(severity)
{
}

LogMessage::~LogMessage()
{
	if (severity_ < gThreshold)
		return;
	// One fputs per message so that lines from several threads do not interleave mid-line.
	std::string line = "[" + std::string(category_.name) + "] " + severityName(severity_) + ": " +
			   text_.str() + "\n";
	std::fputs(line.c_str(), stderr);
}

void setLogThreshold(LogSeverity severity)
{
	gThreshold = severity;
}

} // namespace heapsolve
