// SPDX-License-Identifier: Apache-2.0
// Promise: no global state changes the answer. In one process, `check` on every example gives the
// same bytes (plain, JSON, DOT) before and after the global C and C++ locales are switched to
// German and Turkish (grouping digits, comma decimals, dotless i), and whatever was solved before.
#include <algorithm>
#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <locale>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/check.h"

// Under --config=asan: glibc's newlocale() keeps the LOCPATH search list it builds with
// __argz_add_sep (171 bytes per locale loaded from LOCPATH); that is glibc's, not heapsolve's.
extern "C" const char *__lsan_default_suppressions()
{
	return "leak:__argz_add_sep\n";
}

namespace heapsolve::cli {
namespace {

std::vector<std::vector<std::string>> exampleSystems()
{
	std::vector<std::vector<std::string>> out;
	std::vector<std::filesystem::path> dirs;
	for (const auto &e : std::filesystem::directory_iterator("examples"))
		if (e.is_directory())
			dirs.push_back(e.path());
	std::sort(dirs.begin(), dirs.end());
	for (const auto &d : dirs)
		out.push_back({ (d / "board.yaml").string(), (d / "devices.yaml").string(), (d / "pipeline.yaml").string() });
	return out;
}

std::string transcript(const std::vector<std::vector<std::string>> &systems)
{
	std::string all;
	for (const auto &files : systems)
		for (const CheckOptions &o : { CheckOptions{ CheckFormat::Text, false }, CheckOptions{ CheckFormat::Json, false },
					       CheckOptions{ CheckFormat::Json, true }, CheckOptions{ CheckFormat::Dot, false } }) {
			std::ostringstream out, err;
			const int status = runCheck(files, o, out, err);
			all += files[0] + " " + std::to_string(int(o.format)) + (o.explain ? " explain" : "") + "\n" + out.str() +
			       err.str() + "status " + std::to_string(status) + "\n";
		}
	return all;
}

// Builds a locale with localedef into TEST_TMPDIR (Debian's `locales` has the sources).
bool makeLocale(const std::string &name)
{
	const char *tmp = std::getenv("TEST_TMPDIR");
	const std::string dir = std::string(tmp ? tmp : "/tmp") + "/locales";
	std::filesystem::create_directories(dir);
	setenv("LOCPATH", dir.c_str(), 1);
	const std::string lang = name.substr(0, name.find('.'));
	const std::string cmd = "localedef -i " + lang + " -f UTF-8 " + dir + "/" + name + " 2>/dev/null";
	return std::system(cmd.c_str()) == 0 || std::filesystem::exists(dir + "/" + name);
}

TEST(GlobalState, LocaleAndHistoryDoNotChangeTheAnswer)
{
	const auto systems = exampleSystems();
	ASSERT_GE(systems.size(), 6u);
	const std::string reference = transcript(systems);
	ASSERT_NE(reference.find("\"heap\""), std::string::npos);

	for (const std::string name : { "de_DE.UTF-8", "tr_TR.UTF-8" }) {
		ASSERT_TRUE(makeLocale(name)) << "localedef failed for " << name;
		std::locale loc(name.c_str()); // throws if the locale is not there: the test then fails
		std::locale::global(loc);
		ASSERT_NE(std::setlocale(LC_ALL, name.c_str()), nullptr);
		// The locale really is hostile: it groups digits.
		std::ostringstream probe;
		probe << 3137536;
		EXPECT_NE(probe.str(), "3137536") << name;
		EXPECT_EQ(transcript(systems), reference) << "under the global locale " << name;
	}
	std::locale::global(std::locale::classic());
	std::setlocale(LC_ALL, "C");

	// History: solving in the reverse order, twice, changes nothing.
	auto reversed = systems;
	std::reverse(reversed.begin(), reversed.end());
	transcript(reversed);
	EXPECT_EQ(transcript(systems), reference);
}

} // namespace
} // namespace heapsolve::cli
