// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the adapter tests (host and VM).
#pragma once

#include <chrono>
#include <cstdio>
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

// A line the VM stage shows in its summary (run.sh prints every "@@HEAPSOLVE INFO" marker).
inline void info(const std::string &line)
{
	std::printf("@@HEAPSOLVE INFO %s\n", line.c_str());
	std::fflush(stdout);
}

// Microseconds since `start`, for the timings the VM stage reports.
inline long long microsSince(std::chrono::steady_clock::time_point start)
{
	return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
}

} // namespace heapsolve::test
