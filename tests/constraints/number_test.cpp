// SPDX-License-Identifier: Apache-2.0
#include "constraints/number.h"

#include <gtest/gtest.h>

namespace heapsolve {
namespace {

TEST(ParseNumber, AcceptsDecimalHexAndUnits)
{
	EXPECT_EQ(parseNumber("0"), 0u);
	EXPECT_EQ(parseNumber("4096"), 4096u);
	EXPECT_EQ(parseNumber("010"), 10u) << "leading zeros are decimal";
	EXPECT_EQ(parseNumber("7B"), 7u);
	EXPECT_EQ(parseNumber("4KiB"), 4096u);
	EXPECT_EQ(parseNumber("96MiB"), 96u << 20);
	EXPECT_EQ(parseNumber("2GiB"), uint64_t{ 2 } << 30);
	EXPECT_EQ(parseNumber("3TiB"), uint64_t{ 3 } << 40);
	EXPECT_EQ(parseNumber("0x40000000"), 0x40000000u);
	EXPECT_EQ(parseNumber("0xFfFf"), 0xffffu);
	EXPECT_EQ(parseNumber("18446744073709551615"), UINT64_MAX);
	EXPECT_EQ(parseNumber("0xffffffffffffffff"), UINT64_MAX);
	EXPECT_EQ(parseNumber("0x0000000000000000001"), 1u) << "leading hex zeros do not count toward 64 bits";
}

TEST(ParseNumber, RejectsEverythingElseWithAReason)
{
	for (const char *bad : { "", "-1", "+1", "1.5", "1 KiB", " 1", "1 ", "1_000", "1,000", "0x", "0x1KiB", "0xg",
				 "0X10", "KiB", "1kib", "1KB", "1k", "1e3", "1iB" }) {
		auto r = parseNumber(bad);
		EXPECT_FALSE(r.has_value()) << "'" << bad << "' was accepted as " << r.value_or(0);
	}
	EXPECT_NE(parseNumber("1 KiB").error().find("bad unit"), std::string::npos);
}

TEST(ParseNumber, RejectsValuesOf2To64AndAbove)
{
	EXPECT_NE(parseNumber("18446744073709551616").error().find("does not fit in 64 bits"), std::string::npos);
	EXPECT_NE(parseNumber("0x10000000000000000").error().find("does not fit in 64 bits"), std::string::npos);
	EXPECT_NE(parseNumber("16777216TiB").error().find("does not fit in 64 bits"), std::string::npos);
	EXPECT_EQ(parseNumber("16777215TiB"), uint64_t{ 16777215 } << 40);
}

TEST(FormatSize, UsesTheLargestExactUnit)
{
	EXPECT_EQ(formatSize(4096), "4KiB");
	EXPECT_EQ(formatSize(96u << 20), "96MiB");
	EXPECT_EQ(formatSize(3137536), "3064KiB");
	EXPECT_EQ(formatSize(1000), "1000");
	EXPECT_EQ(formatHex(0), "0x0");
	EXPECT_EQ(formatHex(0x100000000), "0x100000000");
}

} // namespace
} // namespace heapsolve
