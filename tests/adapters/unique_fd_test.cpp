// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/adapters/test_util.h"

namespace heapsolve {
namespace {

int openNull()
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

bool isOpen(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

TEST(UniqueFd, DefaultIsInvalid)
{
	UniqueFd fd;
	EXPECT_FALSE(fd.isValid());
	EXPECT_EQ(fd.get(), -1);
}

TEST(UniqueFd, DestructorCloses)
{
	const size_t before = test::openFdCount();
	int raw;
	{
		UniqueFd fd(openNull());
		raw = fd.get();
		ASSERT_TRUE(fd.isValid());
		EXPECT_TRUE(isOpen(raw));
		EXPECT_EQ(test::openFdCount(), before + 1);
	}
	EXPECT_FALSE(isOpen(raw));
	EXPECT_EQ(test::openFdCount(), before);
}

TEST(UniqueFd, MoveTransfersOwnership)
{
	const size_t before = test::openFdCount();
	UniqueFd a(openNull());
	const int raw = a.get();
	UniqueFd b(std::move(a));
	EXPECT_FALSE(a.isValid());
	EXPECT_EQ(b.get(), raw);
	UniqueFd c;
	c = std::move(b);
	EXPECT_FALSE(b.isValid());
	EXPECT_EQ(c.get(), raw);
	EXPECT_TRUE(isOpen(raw));
	EXPECT_EQ(test::openFdCount(), before + 1);
}

TEST(UniqueFd, MoveAssignClosesThePreviousFd)
{
	const size_t before = test::openFdCount();
	UniqueFd a(openNull());
	UniqueFd b(openNull());
	const int old = a.get();
	a = std::move(b);
	EXPECT_FALSE(isOpen(old));
	EXPECT_EQ(test::openFdCount(), before + 1);
}

TEST(UniqueFd, ReleaseGivesUpOwnership)
{
	UniqueFd fd(openNull());
	const int raw = fd.release();
	EXPECT_FALSE(fd.isValid());
	EXPECT_TRUE(isOpen(raw));
	close(raw);
}

TEST(UniqueFd, ResetClosesAndTakesTheNewFd)
{
	const size_t before = test::openFdCount();
	UniqueFd fd(openNull());
	const int old = fd.get();
	const int next = openNull();
	fd.reset(next);
	EXPECT_FALSE(isOpen(old));
	EXPECT_EQ(fd.get(), next);
	fd.reset();
	EXPECT_FALSE(fd.isValid());
	EXPECT_EQ(test::openFdCount(), before);
}

TEST(UniqueFd, ResetToTheSameFdKeepsItOpen)
{
	UniqueFd fd(openNull());
	const int raw = fd.get();
	fd.reset(raw);
	EXPECT_TRUE(isOpen(raw));
	EXPECT_EQ(fd.get(), raw);
}

TEST(UniqueFd, FailedCloseIsLoggedNotThrown)
{
	// An fd that is not open: close() fails with EBADF, which must only be logged. A high
	// number, not a just-closed one: capturing stderr opens a file that would reuse it.
	const int raw = 900;
	ASSERT_EQ(fcntl(raw, F_GETFD), -1);
	testing::internal::CaptureStderr();
	{
		UniqueFd fd(raw);
	}
	const std::string log = testing::internal::GetCapturedStderr();
	EXPECT_NE(log.find("[UniqueFd] ERROR: close(" + std::to_string(raw) + ") failed"), std::string::npos) << log;
	EXPECT_NE(log.find("errno 9"), std::string::npos) << log;
}

TEST(UniqueFd, IsMoveOnly)
{
	static_assert(!std::is_copy_constructible_v<UniqueFd>);
	static_assert(!std::is_copy_assignable_v<UniqueFd>);
	static_assert(std::is_nothrow_move_constructible_v<UniqueFd>);
	static_assert(!std::is_convertible_v<int, UniqueFd>, "the int constructor must be explicit");
}

} // namespace
} // namespace heapsolve
