// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <linux/dma-buf.h>
#include <sstream>
#include <string>
#include <sys/ioctl.h>
#include <sys/sysinfo.h>

#include "adapters/adapter.h"
#include "adapters/fd/read_file.h"
#include "log/log.h"

namespace heapsolve {

LOG_DEFINE_CATEGORY(DmaBuf);

std::string dmaBufName(const std::string &buffer)
{
	// dma_buf_set_name() copies with strndup_user(buf, DMA_BUF_NAME_LEN): a longer string is
	// refused (EINVAL), not cut, so it is cut here.
	return buffer.substr(0, DMA_BUF_NAME_LEN - 1);
}

bool nameDmaBuf(int fd, const std::string &buffer)
{
	const std::string name = dmaBufName(buffer);
	if (ioctl(fd, DMA_BUF_SET_NAME, name.c_str()) == 0)
		return true;
	const int err = errno;
	LOG(DmaBuf, Info) << "DMA_BUF_SET_NAME '" << name << "' on fd " << fd << " refused: " << errnoDescription(err)
			  << " (errno " << err << "); the buffer stays unnamed";
	return false;
}

uint64_t memTotal()
{
	// One syscall instead of opening, reading and parsing /proc/meminfo: sysinfo() and meminfo
	// both report si_meminfo()'s totalram (kernel/sys.c do_sysinfo(), fs/proc/meminfo.c), in
	// units of mem_unit bytes here and of KiB there.
	struct sysinfo info {
	};
	if (sysinfo(&info) != 0)
		return 0;
	const uint64_t unit = info.mem_unit ? info.mem_unit : 1;
	const uint64_t total = info.totalram;
	return total > UINT64_MAX / unit ? UINT64_MAX : total * unit;
}

Result<void> boundRequest(const Request &request, const std::string &node)
{
	return boundRequest(request, node, memTotal());
}

Result<void> boundRequest(const Request &request, const std::string &node, uint64_t total)
{
	auto refuse = [&](Limit limit, uint64_t bound) -> Result<void> {
		return std::unexpected(Error(LimitError{ limit, bound, {}, node, request }));
	};
	const uint64_t size = request.size;
	const uint64_t count = std::max<uint64_t>(request.count, 1);
	if (size == 0)
		return refuse(Limit::EmptyBuffer, 0);
	if (size > kMaxBufferSize)
		return refuse(Limit::BufferSize, kMaxBufferSize);
	// count * size > total / 2, without overflowing.
	if (total != 0 && count > (total / 2) / size)
		return refuse(Limit::MemoryShare, total / 2);
	return {};
}

std::string exporterName(int fd)
{
	// The kernel prints "exp_name:\t<name>" for dma-bufs (drivers/dma-buf/dma-buf.c,
	// dma_buf_show_fdinfo) since Linux 5.12.
	std::istringstream in(readFile("/proc/self/fdinfo/" + std::to_string(fd)).value_or(""));
	std::string line;
	while (std::getline(in, line)) {
		if (line.rfind("exp_name:", 0) != 0)
			continue;
		size_t start = line.find_first_not_of(" \t", 9);
		return start == std::string::npos ? std::string() : line.substr(start);
	}
	return {};
}

} // namespace heapsolve
