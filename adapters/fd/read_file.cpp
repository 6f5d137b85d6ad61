// SPDX-License-Identifier: Apache-2.0
#include "adapters/fd/read_file.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include "heapsolve/unique_fd.h"

namespace heapsolve {

Result<std::string> readFile(const std::string &path)
{
	UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd.isValid())
		return std::unexpected(Error(FileError{ path, errno }));
	std::string out;
	char buf[4096];
	for (;;) {
		ssize_t n = read(fd.get(), buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return std::unexpected(Error(FileError{ path, errno }));
		if (n == 0)
			return out;
		out.append(buf, static_cast<size_t>(n));
	}
}

} // namespace heapsolve
