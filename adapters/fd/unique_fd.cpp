// SPDX-License-Identifier: Apache-2.0
#include "heapsolve/unique_fd.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "heapsolve/result.h"
#include "log/log.h"

namespace heapsolve {

LOG_DEFINE_CATEGORY(UniqueFd);

void UniqueFd::reset(int fd)
{
	// Resetting to the fd we already own must not close it under our own feet.
	if (fd >= 0 && fd == fd_)
		return;
	int old = std::exchange(fd_, fd);
	if (old < 0)
		return;
	// No retry on EINTR: Linux releases the fd even then, and a retry could close a fd that
	// another thread has just been given.
	if (::close(old) < 0) {
		int err = errno;
		LOG(UniqueFd, Error) << "close(" << old << ") failed: " << errnoDescription(err) << " (errno "
				     << err << ")";
	}
}

} // namespace heapsolve
