// SPDX-License-Identifier: Apache-2.0
// /sys/kernel/debug/dma_buf/bufinfo, parsed: each dma-buf the kernel holds, with its exporter,
// its file's reference count and the devices attached to it. The format is dma_buf_debug_show()
// in drivers/dma-buf/dma-buf.c (6.12):
//   seq_printf(s, "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s\n", size, f_flags, f_mode,
//              file_count(file), exp_name, i_ino, name);
//   ... "\tAttached Devices:\n", then "\t%s\n" per dev_name(attachment->dev),
//   then "Total %d devices attached\n\n".
#pragma once

#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "adapters/fd/read_file.h"

namespace heapsolve::chain {

struct BufInfo {
	uint64_t size = 0;
	long count = 0; // references to the dma-buf's file: our fds, mappings and every importer's
	std::string exporter;
	unsigned long inode = 0;
	std::vector<std::string> attached; // dev_name() of each attachment
};

inline std::vector<BufInfo> readBufInfo(const std::string &path = "/sys/kernel/debug/dma_buf/bufinfo")
{
	std::vector<BufInfo> out;
	std::istringstream in(readFile(path).value_or(""));
	std::string line;
	bool inAttached = false;
	while (std::getline(in, line)) {
		BufInfo b;
		char exp[128] = {};
		unsigned flags = 0, mode = 0;
		if (!line.empty() && line[0] != '\t' &&
		    std::sscanf(line.c_str(), "%lu %x %x %ld %127s %lu", &b.size, &flags, &mode, &b.count, exp, &b.inode) == 6) {
			b.exporter = exp;
			out.push_back(b);
			inAttached = false;
		} else if (line == "\tAttached Devices:") {
			inAttached = true;
		} else if (inAttached && !out.empty() && line.size() > 1 && line[0] == '\t') {
			out.back().attached.push_back(line.substr(1));
		} else {
			inAttached = false;
		}
	}
	return out;
}

inline unsigned long inodeOf(int fd)
{
	struct stat st {
	};
	return ::fstat(fd, &st) == 0 ? st.st_ino : 0;
}

inline const BufInfo *findBuf(const std::vector<BufInfo> &all, int fd)
{
	const unsigned long ino = inodeOf(fd);
	for (const BufInfo &b : all)
		if (b.inode == ino)
			return &b;
	return nullptr;
}

} // namespace heapsolve::chain
