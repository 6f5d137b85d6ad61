// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the adapter tests (host and VM).
#pragma once

#include <dirent.h>
#include <string>
#include <vector>

namespace heapsolve::test {

// The fds this process has open (entries of /proc/self/fd, less the one opendir uses).
inline std::vector<int> openFds()
{
	std::vector<int> fds;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return fds;
	int self = dirfd(d);
	while (dirent *e = readdir(d)) {
		if (e->d_name[0] == '.')
			continue;
		int fd = std::stoi(e->d_name);
		if (fd != self)
			fds.push_back(fd);
	}
	closedir(d);
	return fds;
}

inline size_t openFdCount()
{
	return openFds().size();
}

// Whether any directory entry of `dir` exists (GTEST_SKIP guard for /dev/dma_heap/*).
inline bool hasEntries(const std::string &dir)
{
	DIR *d = opendir(dir.c_str());
	if (!d)
		return false;
	bool any = false;
	while (dirent *e = readdir(d))
		if (e->d_name[0] != '.')
			any = true;
	closedir(d);
	return any;
}

} // namespace heapsolve::test
