// SPDX-License-Identifier: Apache-2.0
// UniqueFd: the one owner of a file descriptor, after libcamera's UniqueFD.
//
// Ownership lives in the type: a function that takes a UniqueFd by value takes the fd; one that
// borrows takes `int` or `const UniqueFd &` for the duration of the call. The destructor and
// reset() close the fd; a failed close() is logged (category UniqueFd), never thrown, because
// nothing useful can be done about it and the fd is gone either way on Linux.
#pragma once

#include <utility>

namespace heapsolve {

class UniqueFd
{
public:
	UniqueFd() = default;
	// Takes ownership of `fd` (which may be -1, giving an invalid UniqueFd).
	explicit UniqueFd(int fd) : fd_(fd) {}
	// Inline when there is nothing to close (a moved-from or empty UniqueFd): the allocation
	// path moves a buffer's fd several times between the ioctl and the caller.
	~UniqueFd()
	{
		if (fd_ >= 0)
			reset();
	}

	UniqueFd(UniqueFd &&other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
	UniqueFd &operator=(UniqueFd &&other) noexcept
	{
		if (this != &other) {
			int fd = std::exchange(other.fd_, -1);
			if (fd_ < 0)
				fd_ = fd;
			else
				reset(fd);
		}
		return *this;
	}
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;

	// Gives up ownership: the caller must close the returned fd. Only for a hand-off to code
	// that takes raw fds (GStreamer's dmabuf allocator).
	[[nodiscard]] int release() { return std::exchange(fd_, -1); }
	// Closes the current fd, if any, and takes ownership of `fd`.
	void reset(int fd = -1);

	int get() const { return fd_; }
	bool isValid() const { return fd_ >= 0; }

private:
	int fd_ = -1;
};

} // namespace heapsolve
