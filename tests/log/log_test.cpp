// SPDX-License-Identifier: Apache-2.0
// The host's controls over the library's logging: a sink that receives each message with its
// category and severity, levels per category and for all, and the stderr default.
#include "log/log.h"

#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

namespace heapsolve {

LOG_DEFINE_CATEGORY(TestAlpha);
LOG_DEFINE_CATEGORY(TestBeta);
LOG_DEFINE_CATEGORY(TestGamma); // given no level of its own by any test

namespace {

using Record = std::tuple<std::string, LogSeverity, std::string>;

// Collects what the sink receives; restores the defaults afterwards.
class Sink : public ::testing::Test
{
protected:
	void SetUp() override
	{
		setLogSink([this](std::string_view category, LogSeverity severity, std::string_view text) {
			records.emplace_back(std::string(category), severity, std::string(text));
		});
	}
	void TearDown() override
	{
		setLogSink({});
		setLogLevel("*", LogSeverity::Warning);
		setLogLevel("TestAlpha", LogSeverity::Warning);
		setLogLevel("TestBeta", LogSeverity::Warning);
	}

	std::vector<Record> records;
};

TEST_F(Sink, ReceivesCategorySeverityAndText)
{
	LOG(TestAlpha, Warning) << "heap " << 42 << " is full";
	LOG(TestBeta, Error) << "gone";
	ASSERT_EQ(records.size(), 2u);
	EXPECT_EQ(records[0], Record("TestAlpha", LogSeverity::Warning, "heap 42 is full"));
	EXPECT_EQ(records[1], Record("TestBeta", LogSeverity::Error, "gone"));
}

TEST_F(Sink, DefaultLevelIsWarning)
{
	LOG(TestAlpha, Debug) << "d";
	LOG(TestAlpha, Info) << "i";
	LOG(TestAlpha, Warning) << "w";
	ASSERT_EQ(records.size(), 1u);
	EXPECT_EQ(std::get<2>(records[0]), "w");
}

TEST_F(Sink, LevelsArePerCategory)
{
	setLogLevel("TestAlpha", LogSeverity::Debug);
	setLogLevel("TestBeta", LogSeverity::Error);
	LOG(TestAlpha, Debug) << "alpha debug";
	LOG(TestBeta, Warning) << "beta warning, dropped";
	LOG(TestBeta, Error) << "beta error";
	ASSERT_EQ(records.size(), 2u);
	EXPECT_EQ(records[0], Record("TestAlpha", LogSeverity::Debug, "alpha debug"));
	EXPECT_EQ(records[1], Record("TestBeta", LogSeverity::Error, "beta error"));
}

TEST_F(Sink, StarSetsCategoriesWithoutTheirOwnLevel)
{
	setLogLevel("TestBeta", LogSeverity::Error);
	setLogLevel("*", LogSeverity::Info);
	LOG(TestGamma, Info) << "gamma follows *";
	LOG(TestGamma, Debug) << "below *";
	LOG(TestBeta, Warning) << "beta keeps its own level";
	ASSERT_EQ(records.size(), 1u);
	EXPECT_EQ(records[0], Record("TestGamma", LogSeverity::Info, "gamma follows *"));
}

TEST_F(Sink, ADroppedMessageIsNotEvenBuilt)
{
	int built = 0;
	auto count = [&]() { return ++built; };
	LOG(TestAlpha, Debug) << count();
	EXPECT_EQ(built, 0);
	LOG(TestAlpha, Error) << count();
	EXPECT_EQ(built, 1);
}

TEST_F(Sink, SafeInsideAnUnbracedIfElse)
{
	bool branch = false;
	if (branch)
		LOG(TestAlpha, Error) << "not taken";
	else
		LOG(TestAlpha, Error) << "taken";
	ASSERT_EQ(records.size(), 1u);
	EXPECT_EQ(std::get<2>(records[0]), "taken");
}

TEST(LogDefault, WithoutASinkMessagesGoToStderr)
{
	setLogSink({});
	::testing::internal::CaptureStderr();
	LOG(TestAlpha, Warning) << "to stderr";
	EXPECT_EQ(::testing::internal::GetCapturedStderr(), "[TestAlpha] WARN: to stderr\n");
}

} // namespace
} // namespace heapsolve
