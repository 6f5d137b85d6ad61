// SPDX-License-Identifier: Apache-2.0
// main() of the static test binary that tests/vm/run.sh runs as root inside a real kernel.
// Prints one marker line per test on stdout (the serial console), which the host parses:
//   @@HEAPSOLVE PASS Suite.Name
//   @@HEAPSOLVE SKIP Suite.Name: why
//   @@HEAPSOLVE FAIL Suite.Name: why
//   @@HEAPSOLVE DONE
// A test that ends with more or fewer fds open than it started with fails here, whatever its
// own assertions said.
#include <cstdio>
#include <gtest/gtest.h>
#include <string>

#include "tests/adapters/test_util.h"

namespace {

std::string oneLine(std::string s)
{
	for (char &c : s)
		if (c == '\n' || c == '\r')
			c = ' ';
	return s;
}

class MarkerPrinter : public testing::EmptyTestEventListener
{
	void OnTestStart(const testing::TestInfo &) override { fds_ = heapsolve::test::openFdCount(); }

	void OnTestPartResult(const testing::TestPartResult &r) override
	{
		if (r.failed())
			failures_ += oneLine(std::string(r.file_name() ? r.file_name() : "?") + ":" +
					     std::to_string(r.line_number()) + ": " + r.summary()) +
				     " | ";
	}

	void OnTestEnd(const testing::TestInfo &info) override
	{
		const std::string name = std::string(info.test_suite_name()) + "." + info.name();
		const size_t fds = heapsolve::test::openFdCount();
		if (fds != fds_)
			failures_ += "fd leak: " + std::to_string(fds_) + " fds open before, " + std::to_string(fds) + " after | ";
		const testing::TestResult *r = info.result();
		if (!failures_.empty() || r->Failed())
			std::printf("@@HEAPSOLVE FAIL %s: %s\n", name.c_str(), failures_.c_str());
		else if (r->Skipped())
			std::printf("@@HEAPSOLVE SKIP %s: %s\n", name.c_str(),
				    oneLine(r->total_part_count() ? r->GetTestPartResult(0).message() : "").c_str());
		else
			std::printf("@@HEAPSOLVE PASS %s\n", name.c_str());
		std::fflush(stdout);
		failures_.clear();
	}

	void OnTestProgramEnd(const testing::UnitTest &) override
	{
		std::printf("@@HEAPSOLVE DONE\n");
		std::fflush(stdout);
	}

	size_t fds_ = 0;
	std::string failures_;
};

} // namespace

int main(int argc, char **argv)
{
	testing::InitGoogleTest(&argc, argv);
	testing::UnitTest::GetInstance()->listeners().Append(new MarkerPrinter);
	return RUN_ALL_TESTS();
}
