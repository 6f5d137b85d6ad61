// SPDX-License-Identifier: Apache-2.0
#include "log/log.h"

#include <cstdio>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

namespace heapsolve {

// The categories, the levels the host set and the sink. Categories register during static
// initialisation, in any order across files, hence the function-local instance; it is never
// destroyed, so that a category logging during exit still finds it.
class LogRegistry
{
public:
	static LogRegistry &get()
	{
		static LogRegistry *registry = new LogRegistry;
		return *registry;
	}

	void add(LogCategory &category)
	{
		std::unique_lock lock(mutex_);
		categories_.push_back(&category);
		category.level_.store(levelOf(category.name()), std::memory_order_relaxed);
	}

	void setLevel(std::string_view name, LogSeverity severity)
	{
		std::unique_lock lock(mutex_);
		if (name == "*")
			default_ = static_cast<int>(severity);
		else
			levels_[std::string(name)] = static_cast<int>(severity);
		for (LogCategory *c : categories_)
			c->level_.store(levelOf(c->name()), std::memory_order_relaxed);
	}

	void setSink(LogSink sink)
	{
		std::unique_lock lock(mutex_);
		sink_ = std::move(sink);
	}

	// Under the shared lock, so that setSink() waits for messages being written to the old sink.
	void write(std::string_view category, LogSeverity severity, std::string_view text)
	{
		std::shared_lock lock(mutex_);
		if (sink_) {
			sink_(category, severity, text);
			return;
		}
		// One fputs per message so that lines from several threads do not interleave mid-line.
		std::string line = "[" + std::string(category) + "] " + logSeverityName(severity) + ": " +
				   std::string(text) + "\n";
		std::fputs(line.c_str(), stderr);
	}

private:
	int levelOf(std::string_view name) const
	{
		auto it = levels_.find(name);
		return it == levels_.end() ? default_ : it->second;
	}

	std::shared_mutex mutex_;
	std::vector<LogCategory *> categories_;
	std::map<std::string, int, std::less<>> levels_;
	int default_ = static_cast<int>(LogSeverity::Warning);
	LogSink sink_;
};

const char *logSeverityName(LogSeverity s)
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

LogCategory::LogCategory(std::string_view name) : name_(name), level_(static_cast<int>(LogSeverity::Warning))
{
	LogRegistry::get().add(*this);
}

LogMessage::LogMessage(const LogCategory &category, LogSeverity severity) : category_(category), severity_(severity)
{
}

LogMessage::~LogMessage()
{
	// The level was checked before the message was built (LOG); the sink may have changed since,
	// which is the host's business.
	LogRegistry::get().write(category_.name(), severity_, text_.view());
}

void setLogSink(LogSink sink)
{
	LogRegistry::get().setSink(std::move(sink));
}

void setLogLevel(std::string_view category, LogSeverity severity)
{
	LogRegistry::get().setLevel(category, severity);
}

} // namespace heapsolve
