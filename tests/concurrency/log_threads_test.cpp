// SPDX-License-Identifier: Apache-2.0
// Logging from many threads while the host changes the sink and the levels: every message reaches
// exactly one sink, whole. scripts/test runs this under ThreadSanitizer (--config=tsan) too.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "log/log.h"

namespace heapsolve {

LOG_DEFINE_CATEGORY(TestThreads);

namespace {

TEST(LogThreads, ConcurrentMessagesSinkSwapsAndLevelChanges)
{
	constexpr int kThreads = 4;
	constexpr int kMessages = 2000;
	std::atomic<int> first{ 0 }, second{ 0 };
	std::mutex lock;
	std::vector<std::string> torn; // messages that did not arrive whole
	auto sinkCounting = [&](std::atomic<int> &counter) {
		return [&](std::string_view category, LogSeverity severity, std::string_view text) {
			if (category != "TestThreads" || severity != LogSeverity::Warning ||
			    text.substr(0, 8) != "message ") {
				std::lock_guard<std::mutex> l(lock);
				torn.emplace_back(text);
			}
			counter.fetch_add(1, std::memory_order_relaxed);
		};
	};
	setLogLevel("TestThreads", LogSeverity::Warning);
	setLogSink(sinkCounting(first));

	std::atomic<bool> go{ false };
	std::vector<std::thread> threads;
	for (int t = 0; t < kThreads; ++t)
		threads.emplace_back([&, t] {
			while (!go.load())
				std::this_thread::yield();
			for (int i = 0; i < kMessages; ++i) {
				LOG(TestThreads, Warning) << "message " << t << "/" << i;
				LOG(TestThreads, Debug) << "dropped at Warning";
			}
		});
	go = true;
	// Meanwhile the host flips the sink and touches the levels of other categories.
	for (int i = 0; i < 200; ++i) {
		setLogSink(sinkCounting(i % 2 ? first : second));
		setLogLevel("TestOther", i % 2 ? LogSeverity::Debug : LogSeverity::Error);
	}
	for (std::thread &t : threads)
		t.join();
	setLogSink({});
	setLogLevel("TestThreads", LogSeverity::Warning);

	EXPECT_TRUE(torn.empty()) << torn.front();
	EXPECT_EQ(first.load() + second.load(), kThreads * kMessages)
		<< "each Warning reaches exactly one sink; no Debug does";
}

} // namespace
} // namespace heapsolve
